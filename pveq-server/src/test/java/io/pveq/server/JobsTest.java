package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.core.OperationState;
import io.pveq.core.event.ProgressEvent;
import io.pveq.server.fake.FakeOperation;
import io.pveq.server.fake.FakeProvisioner;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import org.junit.jupiter.api.Test;

/** Jobs outlive connections: re-attach, replay, list, inspect, cancel with rollback, admission, shutdown. */
class JobsTest {

    private static final String INSTALL = "{\"os\":\"debian\",\"version\":\"12\",\"name\":\"db-01\"}";

    /** Reads the install stream up to the held stage, then drops the connection. */
    private static String startAndDisconnect(ServerFixture s) throws Exception {
        RawHttp r = RawHttp.send(null, s.port(), "POST", "/api/vm/install", INSTALL);
        String job = r.header("X-Job-Id");
        String line;
        while ((line = r.line()) != null && !line.contains("waiting for ready")) {
            // skip to the held stage
        }
        r.close();
        return job;
    }

    @Test
    void clientThatDisconnectsMidInstallReattachesAndGetsTheRestWithoutGapsOrDuplicates() throws Exception {
        FakeProvisioner fake = new FakeProvisioner();
        fake.holdInstalls();
        try (ServerFixture s = new ServerFixture(fake, b -> { })) {
            String job = startAndDisconnect(s);
            FakeOperation<?> op = fake.submitted().get(0);
            assertEquals(OperationState.RUNNING, op.state(), "dropping the stream does not stop the job");
            int seen = op.events().size();

            List<String> ids = new ArrayList<>();
            List<String> data = new ArrayList<>();
            CountDownLatch closed = new CountDownLatch(1);
            OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(20)).build();
            Request request = new Request.Builder().url(s.uri("/api/jobs/" + job + "/events").toString())
                    .header("Last-Event-ID", Integer.toString(seen - 1)).build();
            EventSource source = EventSources.createFactory(client).newEventSource(request, new EventSourceListener() {
                @Override
                public void onEvent(EventSource es, String id, String type, String payload) {
                    ids.add(id);
                    data.add(payload);
                    if (ids.size() == 1) {
                        fake.release();
                    }
                }

                @Override
                public void onClosed(EventSource es) {
                    closed.countDown();
                }

                @Override
                public void onFailure(EventSource es, Throwable t, okhttp3.Response response) {
                    closed.countDown();
                }
            });
            fake.release();
            assertTrue(closed.await(20, TimeUnit.SECONDS));
            source.cancel();
            client.dispatcher().executorService().shutdown();
            List<ProgressEvent> log = op.events();
            assertEquals(log.size() - seen, ids.size(), "exactly the events after Last-Event-ID");
            for (int i = 0; i < ids.size(); i++) {
                assertEquals(Integer.toString(seen + i), ids.get(i));
                assertEquals(ServerFixture.JSON.readTree(log.get(seen + i).toJson()), ServerFixture.JSON.readTree(data.get(i)));
            }
            assertTrue(data.get(data.size() - 1).contains("\"vm_id\":100"));
        }
    }

    @Test
    void jobEventsReplayFromTheStartAndJobViewsShowStagesAndResult() throws Exception {
        FakeProvisioner fake = new FakeProvisioner();
        try (ServerFixture s = new ServerFixture(fake, b -> { })) {
            String job;
            try (RawHttp r = RawHttp.send(null, s.port(), "POST", "/api/vm/install", INSTALL)) {
                job = r.header("X-Job-Id");
                r.body();
            }
            try (RawHttp r = RawHttp.send(null, s.port(), "GET", "/api/jobs/" + job + "/events", null)) {
                List<InstallStreamTest.Frame> frames = InstallStreamTest.readFrames(r, Integer.MAX_VALUE);
                assertEquals(fake.submitted().get(0).events().size(), frames.size());
                assertEquals(0, frames.get(0).id());
            }
            try (RawHttp r = RawHttp.send(null, s.port(), "GET", "/api/jobs/" + job + "/events?from=5", null)) {
                assertEquals(5, InstallStreamTest.readFrames(r, 1).get(0).id());
            }
            JsonNode list = ServerFixture.json(s.get("/api/jobs"));
            assertEquals(job, list.get("jobs").get(0).get("id").asText());
            assertEquals("succeeded", list.get("jobs").get(0).get("state").asText());
            JsonNode detail = ServerFixture.json(s.get("/api/jobs/" + job));
            assertEquals("install", detail.get("job").get("kind").asText());
            assertEquals(100, detail.get("job").get("vm_id").asInt());
            assertEquals("preparation > checking VMID", detail.get("stages").get(0).get("step").asText());
            assertEquals("success", detail.get("stages").get(0).get("status").asText());
            assertEquals("127.0.10.100/24", detail.get("result").get("ip").asText());
            assertEquals("x86-64-v2-AES", detail.get("result").get("cpu_type").asText());
        }
    }

    @Test
    void aFinishedJobsStreamResumedAfterItsLastEventIs204SoBrowsersStopReconnecting() throws Exception {
        FakeProvisioner fake = new FakeProvisioner();
        try (ServerFixture s = new ServerFixture(fake, b -> { })) {
            String job;
            try (RawHttp r = RawHttp.send(null, s.port(), "POST", "/api/vm/install", INSTALL)) {
                job = r.header("X-Job-Id");
                r.body();
            }
            int last = fake.submitted().get(0).events().size() - 1;
            String events = "/api/jobs/" + job + "/events";
            try (RawHttp r = RawHttp.send(null, s.port(), "GET", events, null, "Last-Event-ID: " + last)) {
                assertEquals(204, r.status, "an EventSource reconnecting after the final event must stop");
                assertEquals(job, r.header("X-Job-Id"));
            }
            try (RawHttp r = RawHttp.send(null, s.port(), "GET", events + "?from=" + (last + 1), null)) {
                assertEquals(204, r.status);
            }
            try (RawHttp r = RawHttp.send(null, s.port(), "GET", events, null, "Last-Event-ID: " + (last - 1))) {
                assertEquals(200, r.status);
                List<InstallStreamTest.Frame> rest = InstallStreamTest.readFrames(r, Integer.MAX_VALUE);
                assertEquals(List.of(last), rest.stream().map(InstallStreamTest.Frame::id).toList(),
                        "only the final event, then the stream ends");
            }
        }
    }

    @Test
    void cancelRollsTheInstallBackAndTheStreamEndsWithTheCancellation() throws Exception {
        FakeProvisioner fake = new FakeProvisioner();
        fake.holdInstalls();
        try (ServerFixture s = new ServerFixture(fake, b -> { });
             RawHttp r = RawHttp.send(null, s.port(), "POST", "/api/vm/install", INSTALL)) {
            String job = r.header("X-Job-Id");
            String line;
            while ((line = r.line()) != null && !line.contains("waiting for ready")) {
                // until the VM exists
            }
            assertTrue(fake.peek(100).isPresent());
            HttpResponse<String> cancel = s.post("/api/jobs/" + job + "/cancel", null);
            assertEquals(202, cancel.statusCode());
            List<InstallStreamTest.Frame> rest = InstallStreamTest.readFrames(r, Integer.MAX_VALUE);
            JsonNode last = ServerFixture.JSON.readTree(rest.get(rest.size() - 1).data().substring(6));
            assertEquals("error", last.get("status").asText());
            assertTrue(last.get("message").asText().contains("cancelled"), last.toString());
            assertTrue(last.get("message").asText().contains("rolled back: destroyed VM 100"));
            assertFalse(fake.peek(100).isPresent(), "the half-built VM is gone");
            assertEquals("cancelled", ServerFixture.json(s.get("/api/jobs/" + job)).get("job").get("state").asText());
            HttpResponse<String> again = s.post("/api/jobs/" + job + "/cancel", null);
            assertEquals(409, again.statusCode());
        }
    }

    @Test
    void unknownAndMalformedJobIdsAre404And400() {
        try (ServerFixture s = new ServerFixture(new FakeProvisioner(), b -> { })) {
            assertEquals(404, s.get("/api/jobs/0123456789abcdef").statusCode());
            assertEquals(404, s.post("/api/jobs/0123456789abcdef/cancel", null).statusCode());
            HttpResponse<String> bad = s.get("/api/jobs/bad.id");
            assertEquals(400, bad.statusCode());
            assertEquals("operation", ServerFixture.json(bad).get("field").asText());
            assertEquals(400, s.get("/api/jobs/0123456789abcdef/events", "Last-Event-ID", "x1").statusCode());
        }
    }

    @Test
    void jobsBeyondWorkersPlusQueueAreRefusedWith503() throws Exception {
        FakeProvisioner fake = new FakeProvisioner();
        fake.holdInstalls();
        try (ServerFixture s = new ServerFixture(fake, b -> b.jobs(1, 1))) {
            RawHttp first = RawHttp.send(null, s.port(), "POST", "/api/vm/install", INSTALL);
            RawHttp second = RawHttp.send(null, s.port(), "POST", "/api/vm/install", "{\"os\":\"debian\",\"version\":\"12\",\"id\":120}");
            assertEquals(200, first.status);
            assertEquals(200, second.status);
            HttpResponse<String> third = s.post("/api/vm/install", "{\"os\":\"debian\",\"version\":\"12\",\"id\":130}");
            assertEquals(503, third.statusCode());
            assertEquals("10", third.headers().firstValue("Retry-After").orElse(""));
            assertEquals(2, fake.submitted().size());
            fake.release();
            first.body();
            second.body();
            first.close();
            second.close();
        }
    }

    @Test
    void shutdownCancelsRunningJobsWhichRollBack() throws Exception {
        FakeProvisioner fake = new FakeProvisioner();
        fake.holdInstalls();
        ServerFixture s = new ServerFixture(fake, b -> b.shutdown(ShutdownMode.CANCEL, Duration.ofSeconds(20)));
        String job = startAndDisconnect(s);
        s.server.close();
        FakeOperation<?> op = fake.submitted().get(0);
        assertEquals(job, op.id().value());
        assertEquals(OperationState.CANCELLED, op.state());
        assertTrue(op.endedCancelled());
        assertFalse(fake.peek(100).isPresent());
        s.close(); // idempotent for the server; closes the fake and removes the fixture's files
    }

    @Test
    void shutdownInAwaitModeLetsRunningJobsFinish() throws Exception {
        FakeProvisioner fake = new FakeProvisioner();
        fake.holdInstalls();
        ServerFixture s = new ServerFixture(fake, b -> b.shutdown(ShutdownMode.AWAIT, Duration.ofSeconds(20)));
        startAndDisconnect(s);
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(200); // the shutdown must be waiting by then; the assertion below holds either way
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            fake.release();
        });
        releaser.start();
        s.server.close();
        assertEquals(OperationState.SUCCEEDED, fake.submitted().get(0).state());
        assertTrue(fake.peek(100).isPresent());
        releaser.join();
        s.close(); // idempotent for the server; closes the fake and removes the fixture's files
    }
}
