package io.pveq.core.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pveq.core.transport.OutputListener;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Output without end cannot exhaust memory: the result keeps a bounded head, lines are cut. */
class OutputCapTest {

    @Test
    void captureKeepsTheFirst64MibAndStillStreamsEveryLine() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        List<Integer> lengths = new ArrayList<>();
        OutputPump.Capture capture = new OutputPump.Capture(sink,
                Optional.of((stream, line) -> lengths.add(line.length())), OutputListener.Stream.STDOUT);
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) 'y');
        chunk[chunk.length - 1] = '\n';
        for (int i = 0; i < 70; i++) {
            capture.write(chunk, 0, chunk.length);
        }
        capture.finish();
        assertEquals(OutputPump.MAX_KEPT_BYTES, sink.size());
        assertEquals(6L << 20, capture.droppedBytes());
        assertEquals(70, lengths.size(), "the listener still gets every line");
    }

    @Test
    void aLineWithoutEndIsDeliveredInOneMibPieces() {
        List<String> lines = new ArrayList<>();
        LineSplitter splitter = new LineSplitter((stream, line) -> lines.add(line), OutputListener.Stream.STDERR);
        byte[] bytes = new byte[LineSplitter.MAX_LINE_BYTES * 2 + 10];
        Arrays.fill(bytes, (byte) 'x');
        splitter.feed(bytes, 0, bytes.length);
        assertEquals(2, lines.size(), "two full pieces while feeding, nothing piles up");
        splitter.finish();
        assertEquals(List.of(LineSplitter.MAX_LINE_BYTES, LineSplitter.MAX_LINE_BYTES, 10),
                lines.stream().map(String::length).toList());
    }
}
