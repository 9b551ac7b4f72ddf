package io.pveq.sim.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.sim.PveRelease;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimClock;
import io.pveq.sim.SimulatedCluster;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The terminal proxy's websocket at the frame level, with the JDK's own websocket client (not
 * pveq-api's): the upgrade, the ticket line split over two messages, resize and ping messages, a
 * websocket ping answered, input, and {@code exit} closing with 1000.
 */
class TermProxyWebSocketTest {

    @ParameterizedTest
    @EnumSource(value = PveRelease.class, names = {"PVE_8_4", "PVE_9_1"})
    void aTerminalSessionFromTicketToExit(PveRelease release) throws Exception {
        try (SimulatedCluster cluster = SimulatedCluster.builder().release(release).clock(SimClock.create())
                .container(VmId.of(200), NodeName.of("pve1"), "ct-one")
                .api(SimApi.Options.defaults().withAuthFailureDelay(Duration.ZERO)).build()) {
            ApiTestClient api = new ApiTestClient(cluster.api()).token(cluster.api().rootToken());
            ApiTestClient.Reply started = api.post("/nodes/pve1/lxc/200/termproxy");
            assertEquals(200, started.status(), started.reason());
            JsonNode proxy = started.data();
            String ticket = proxy.path("ticket").asText();
            URI base = cluster.api().url();
            URI wss = URI.create("wss://" + base.getHost() + ":" + base.getPort()
                    + "/api2/json/nodes/pve1/lxc/200/vncwebsocket?port=" + proxy.path("port").asInt() + "&vncticket="
                    + URLEncoder.encode(ticket, StandardCharsets.UTF_8));
            StringBuffer output = new StringBuffer();
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            CompletableFuture<Void> pong = new CompletableFuture<>();
            HttpClient http = HttpClient.newBuilder().sslContext(ApiTestClient.trusting(cluster.api())).build();
            WebSocket socket = http.newWebSocketBuilder()
                    .header("Authorization", "PVEAPIToken=" + cluster.api().rootToken())
                    .subprotocols("binary")
                    .buildAsync(wss, new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                            output.append(StandardCharsets.UTF_8.decode(data));
                            ws.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
                            pong.complete(null);
                            ws.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                            closed.complete(status);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            assertEquals("binary", socket.getSubprotocol());
            String user = proxy.path("user").asText();
            socket.sendText(user + ":" + ticket.substring(0, 10), true).get();
            socket.sendText(ticket.substring(10) + "\n", true).get();
            awaitTrue(() -> output.toString().startsWith("OK"), output);
            socket.sendText("1:120:40:", true).get();
            socket.sendText("2", true).get();
            socket.sendPing(ByteBuffer.wrap(new byte[] {1, 2})).get();
            pong.get(10, TimeUnit.SECONDS);
            socket.sendText("0:9:hostname\r", true).get();
            awaitTrue(() -> output.toString().contains("hostname\r\nct-one\r\n"), output);
            socket.sendText("0:5:exit\r", true).get();
            assertEquals(1000, closed.get(10, TimeUnit.SECONDS));
            assertTrue(output.toString().startsWith("OKroot@ct-one:~# "), output.toString());
        }
    }

    private static void awaitTrue(BooleanSupplier condition, CharSequence output) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not seen in time; output so far: " + output);
            }
            Thread.sleep(10);
        }
    }
}
