package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.api.ConsoleApi;
import io.pveq.api.ConsoleTicket;
import io.pveq.api.GuestRef;
import io.pveq.api.ProxmoxApiException;
import io.pveq.api.Upid;
import io.pveq.core.NodeName;
import io.pveq.core.Secret;
import java.net.URI;
import java.util.Optional;
import okhttp3.HttpUrl;

/** {@link ConsoleApi} over {@link ApiHttp}. Thread-safe. */
final class ConsoleCalls implements ConsoleApi {

    private final ApiHttp http;

    ConsoleCalls(ApiHttp http) {
        this.http = http;
    }

    @Override
    public ConsoleTicket vnc(GuestRef guest) {
        FormParams params = FormParams.empty().put("websocket", true);
        if (!guest.container()) {
            params.put("generate-password", true);
        }
        return ticket(ApiCall.post(params, GuestPaths.of(guest, "vncproxy")));
    }

    @Override
    public ConsoleTicket terminal(GuestRef guest) {
        return ticket(ApiCall.post(FormParams.empty(), GuestPaths.of(guest, "termproxy")));
    }

    @Override
    public ConsoleTicket terminal(NodeName node) {
        return ticket(ApiCall.post(FormParams.empty(), "nodes", node.value(), "termproxy"));
    }

    private ConsoleTicket ticket(ApiCall call) {
        JsonNode d = http.call(call);
        long port = Json.integer(d, "port", -1);
        String ticket = Json.text(d, "ticket", "");
        Optional<String> upid = Json.optionalText(d, "upid");
        if (port <= 0 || ticket.isEmpty() || upid.isEmpty()) {
            throw new ProxmoxApiException(call.method(), call.path(), 200, "no port, ticket or upid in the answer");
        }
        return new ConsoleTicket((int) port, Secret.of(ticket), Json.text(d, "user", ""), Upid.parse(upid.get()),
                Json.optionalText(d, "password").map(Secret::of));
    }

    @Override
    public URI websocket(GuestRef guest, ConsoleTicket ticket) {
        HttpUrl.Builder url = api();
        for (String segment : GuestPaths.of(guest, "vncwebsocket")) {
            url.addPathSegment(segment);
        }
        return wss(url, ticket);
    }

    @Override
    public URI websocket(NodeName node, ConsoleTicket ticket) {
        return wss(api().addPathSegment("nodes").addPathSegment(node.value()).addPathSegment("vncwebsocket"), ticket);
    }

    private HttpUrl.Builder api() {
        return http.base().newBuilder().encodedPath("/").addPathSegment("api2").addPathSegment("json");
    }

    private static URI wss(HttpUrl.Builder url, ConsoleTicket ticket) {
        URI https = url.addQueryParameter("port", Integer.toString(ticket.port()))
                .addQueryParameter("vncticket", ticket.ticket().reveal()).build().uri();
        return URI.create("wss" + https.toString().substring("https".length()));
    }

    @Override
    public URI browserUrl(GuestRef guest, String name) {
        HttpUrl.Builder url = http.base().newBuilder().encodedPath("/")
                .addQueryParameter("console", guest.container() ? "lxc" : "kvm");
        if (guest.container()) {
            url.addQueryParameter("xtermjs", "1");
        } else {
            url.addQueryParameter("novnc", "1");
        }
        return url.addQueryParameter("vmid", guest.vmId().toString()).addQueryParameter("vmname", name)
                .addQueryParameter("node", guest.node().value()).addQueryParameter("resize", "off")
                .addQueryParameter("cmd", "").build().uri();
    }

    @Override
    public URI browserUrl(NodeName node) {
        return http.base().newBuilder().encodedPath("/").addQueryParameter("console", "shell")
                .addQueryParameter("xtermjs", "1").addQueryParameter("vmid", "0").addQueryParameter("vmname", "")
                .addQueryParameter("node", node.value()).addQueryParameter("cmd", "").build().uri();
    }
}
