package sslj.ssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainLogTest {

    @Test
    void aRecordEveryNStepsAndPerEpoch(@TempDir Path out) throws Exception {
        try (TrainLog log = TrainLog.open(out, false, 4, 2, 2).deviceMemory(() -> 3L << 20)) {
            for (int s = 1; s <= 4; s++) log.step(0, s, s, 0.5, 8);     // losses 1, 2, 3, 4
            log.epoch(0, 4, Map.of("test_acc", 0.25));
        }
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(3, lines.size(), String.join("\n", lines));
        // window means: (1 + 2) / 2 and (3 + 4) / 2; the epoch's mean: 2.5
        assertTrue(lines.get(0).startsWith("{\"type\":\"step\",\"epoch\":0,\"step\":2,\"loss\":1.5,\"lr\":0.5,\"images_per_s\":"), lines.get(0));
        assertTrue(lines.get(0).endsWith(",\"device_mb\":3}"), lines.get(0));
        assertTrue(lines.get(1).contains("\"step\":4,\"loss\":3.5,"), lines.get(1));
        assertTrue(lines.get(2).startsWith("{\"type\":\"epoch\",\"epoch\":0,\"step\":4,\"loss\":2.5,\"lr\":0.5,\"train_seconds\":"), lines.get(2));
        assertTrue(lines.get(2).endsWith(",\"test_acc\":0.25}"), lines.get(2));
        String log = Files.readString(out.resolve("log.txt"));
        assertTrue(log.contains("epoch 1/2 step 2/4  loss 1.5000  lr 0.5000"), log);
        assertTrue(log.contains("gpu 3 MB"), log);
    }

    @Test
    void waitsAreSummedPerWindowAndPerEpoch(@TempDir Path out) throws Exception {
        long[] blocked = {7_000_000_000L};                              // the backend's running total, not zero at the start
        try (TrainLog log = TrainLog.open(out, false, 4, 1, 2).deviceMemory(() -> 0).deviceWait(() -> blocked[0])) {
            log.waitedForData(1_500_000_000L);
            blocked[0] += 250_000_000L;
            log.step(0, 1, 1, 0.5, 8);
            blocked[0] += 250_000_000L;
            log.step(0, 2, 1, 0.5, 8);                                  // window 1: data 1.5 s, device 0.5 s
            log.step(0, 3, 1, 0.5, 8);
            log.waitedForData(500_000_000L);
            log.step(0, 4, 1, 0.5, 8);                                  // window 2: data 0.5 s, device 0
            blocked[0] += 4_000_000_000L;                               // the evaluation's waits are not training time
            log.epoch(0, 4, Map.of());                                  // epoch: data 2 s, device 0.5 s
        }
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertTrue(lines.get(0).contains("\"data_wait_s\":1.5,\"device_wait_s\":0.5,"), lines.get(0));
        assertTrue(lines.get(1).contains("\"data_wait_s\":0.5,\"device_wait_s\":0.0,"), lines.get(1));
        assertTrue(lines.get(2).contains("\"data_wait_s\":2.0,\"device_wait_s\":0.5"), lines.get(2));
        String log = Files.readString(out.resolve("log.txt"));
        assertTrue(log.matches("(?s).*step 2/4 .* img/s  data \\d+%  device wait \\d+%  ETA.*"), log);
    }

    @Test
    void onTheCpuNoDeviceWait(@TempDir Path out) throws Exception {
        try (TrainLog log = TrainLog.open(out, false, 1, 1, 1)) {   // no device supplier: the CPU
            log.waitedForData(1_000_000L);
            log.step(0, 1, 1, 0.5, 8);
            log.epoch(0, 1, Map.of());
        }
        String metrics = Files.readString(out.resolve("metrics.jsonl")), log = Files.readString(out.resolve("log.txt"));
        assertTrue(metrics.contains("\"data_wait_s\":0.001") && !metrics.contains("device_wait"), metrics);
        assertTrue(log.contains("data ") && !log.contains("device wait"), log);
    }

    @Test
    void aFreshRunTruncatesAResumeAppends(@TempDir Path out) throws Exception {
        try (TrainLog log = TrainLog.open(out, false, 1, 1, 1)) { log.info("first"); }
        try (TrainLog log = TrainLog.open(out, true, 1, 1, 1)) { log.info("resumed"); }
        assertEquals(List.of("first", "resumed"), Files.readAllLines(out.resolve("log.txt")));
        try (TrainLog log = TrainLog.open(out, false, 1, 1, 1)) { log.info("again"); }
        assertEquals(List.of("again"), Files.readAllLines(out.resolve("log.txt")));
    }

    @Test
    void badSettingsFail(@TempDir Path out) {
        assertThrows(IllegalArgumentException.class, () -> TrainLog.open(out, false, 0, 1, 1));
    }
}
