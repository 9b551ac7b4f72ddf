package io.pveq.core.scripts;

import java.util.LinkedHashMap;
import java.util.Map;

/** The nine init scripts and the files their fake guests start with. */
enum GuestOs {
    DEBIAN_11("debian_11.sh", "debian", "11", "bullseye"),
    DEBIAN_12("debian_12.sh", "debian", "12", "bookworm"),
    DEBIAN_13("debian_13.sh", "debian", "13", "trixie"),
    UBUNTU_20_04("ubuntu_20.04.sh", "ubuntu", "20.04", "focal"),
    UBUNTU_22_04("ubuntu_22.04.sh", "ubuntu", "22.04", "jammy"),
    UBUNTU_24_04("ubuntu_24.04.sh", "ubuntu", "24.04", "noble"),
    ROCKY_8("rockylinux_8.sh", "rocky", "8.10", ""),
    ROCKY_9("rockylinux_9.sh", "rocky", "9.6", ""),
    ROCKY_10("rockylinux_10.sh", "rocky", "10.0", "");

    final String script;
    final String id;
    final String versionId;
    final String codename;

    GuestOs(String script, String id, String versionId, String codename) {
        this.script = script;
        this.id = id;
        this.versionId = versionId;
        this.codename = codename;
    }

    boolean apt() {
        return !id.equals("rocky");
    }

    /** The mirror a test asks for. */
    String mirror() {
        return "https://mirror.example/" + id;
    }

    /** Packages the image already has. */
    String preinstalled() {
        return id.equals("ubuntu") ? "locales\n" : "";
    }

    /** Files under the fake root, before the script runs (package sources and locale files). */
    Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("etc/os-release", "PRETTY_NAME=\"" + id + " " + versionId + "\"\nID=" + id
                + "\nVERSION_ID=\"" + versionId + "\"\n" + (codename.isEmpty() ? "" : "VERSION_CODENAME=" + codename + "\n"));
        if (apt()) {
            files.put("etc/default/locale", "LANG=C.UTF-8\n");
            files.put("etc/locale.gen", "# This file lists locales to generate.\n#\n# de_AT.UTF-8 UTF-8\n"
                    + "# de_DE.UTF-8 UTF-8\n# en_US.UTF-8 UTF-8\n");
            files.put("usr/share/i18n/SUPPORTED", "de_AT.UTF-8 UTF-8\nde_DE.UTF-8 UTF-8\nde_DE ISO-8859-1\n"
                    + "en_US.UTF-8 UTF-8\n");
            for (String lock : new String[] {"lock-frontend", "lock"}) {
                files.put("var/lib/dpkg/" + lock, "");
            }
        } else {
            files.put("etc/locale.conf", "LANG=C.UTF-8\n");
            files.put("var/lib/rpm/.rpm.lock", "");
        }
        switch (this) {
            case DEBIAN_11 -> files.put("etc/apt/sources.list",
                    "deb http://deb.debian.org/debian bullseye main\n"
                    + "deb http://security.debian.org/debian-security bullseye-security main\n"
                    + "deb http://deb.debian.org/debian bullseye-updates main\n");
            case DEBIAN_12, DEBIAN_13 -> files.put("etc/apt/sources.list.d/debian.sources",
                    deb822("http://deb.debian.org/debian", codename + " " + codename + "-updates", "main")
                    + "\n" + deb822("http://deb.debian.org/debian-security", codename + "-security", "main"));
            case UBUNTU_20_04, UBUNTU_22_04 -> files.put("etc/apt/sources.list",
                    "deb http://archive.ubuntu.com/ubuntu " + codename + " main restricted\n"
                    + "deb http://archive.ubuntu.com/ubuntu " + codename + "-updates main restricted\n"
                    + "deb http://security.ubuntu.com/ubuntu " + codename + "-security main restricted\n");
            case UBUNTU_24_04 -> files.put("etc/apt/sources.list.d/ubuntu.sources",
                    deb822("http://archive.ubuntu.com/ubuntu/", "noble noble-updates", "main restricted")
                    + "\n" + deb822("http://security.ubuntu.com/ubuntu/", "noble-security", "main restricted"));
            case ROCKY_8 -> {
                files.put("etc/yum.repos.d/Rocky-BaseOS.repo", rockyRepo("baseos", "BaseOS", "BaseOS-$releasever"));
                files.put("etc/yum.repos.d/Rocky-AppStream.repo",
                        rockyRepo("appstream", "AppStream", "AppStream-$releasever"));
            }
            case ROCKY_9, ROCKY_10 -> files.put("etc/yum.repos.d/rocky.repo",
                    rockyRepo("baseos", "BaseOS", "BaseOS-$releasever$rltype") + "\n"
                    + rockyRepo("appstream", "AppStream", "AppStream-$releasever$rltype"));
        }
        if (!apt()) {
            files.put("etc/yum.repos.d/other.repo", "[other]\nname=Other\nbaseurl=https://other.example/el/\n");
        }
        return files;
    }

    private static String deb822(String uri, String suites, String components) {
        return "Types: deb\nURIs: " + uri + "\nSuites: " + suites + "\nComponents: " + components + "\n";
    }

    private static String rockyRepo(String id, String dir, String repo) {
        return "[" + id + "]\nname=Rocky Linux $releasever - " + dir + "\n"
                + "mirrorlist=https://mirrors.rockylinux.org/mirrorlist?arch=$basearch&repo=" + repo + "\n"
                + "#baseurl=http://dl.rockylinux.org/$contentdir/$releasever/" + dir + "/$basearch/os/\n"
                + "gpgcheck=1\nenabled=1\ncountme=1\n";
    }

    @Override
    public String toString() {
        return script;
    }
}
