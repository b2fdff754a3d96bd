package sslj.ssl.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import sslj.ssl.data.Batch;
import sslj.ssl.data.DataLoader;

/**
 * Progress reporting for a training loop: what every main class prints and records.
 *
 * <pre>
 *   try (TrainLog log = TrainLog.open(out, resume, stepsPerEpoch, epochs, opts.logEvery)) {
 *       log.info("training ...");                          // stdout + out/log.txt
 *       ... per step:  log.step(epoch, step, loss, lr, batchImages);
 *       ... per epoch: log.epoch(epoch, step, Map.of("test_acc", acc));
 *   }
 * </pre>
 * Every {@code logEvery} steps it prints one line (mean loss over the window, lr, images/s, ETA,
 * memory) and writes a "step" record; at the end of each epoch, one line and an "epoch" record with
 * the epoch's mean loss, its training time (to the last step), the time after it (evaluation,
 * checkpoint) and the caller's extra metrics. Records go to {@code out/metrics.jsonl}, one
 * JSON object per line, e.g.
 * <pre>
 *   {"type":"step","epoch":0,"step":50,"loss":1.2345,"lr":0.05,"images_per_s":61.2,"heap_mb":412}
 *   {"type":"epoch","epoch":0,"step":468,"loss":0.61,"lr":0.099,"train_seconds":731.2,"other_seconds":40.1,"images_per_s":81.9,"test_acc":0.87}
 * </pre>
 * which a plotting script reads line by line, filtering on "type". A fresh run truncates both
 * files; a resumed one appends, so a run and its resumptions share one history.
 *
 * <p>Where the time goes (MoCo's reference loop prints the same "Data" meter): the loop takes its
 * batches through {@link #next}, which counts the time blocked on the data loader, and on a GPU the log samples the
 * backend's time blocked on the device ({@link #deviceWait}: the batch upload waits there for the previous
 * step's kernels, the loss read for this step's); lines show both as shares of the training time
 * ("data 3%  device wait 61%"). A high data share means the loader's workers cannot keep up; a high device
 * wait that the GPU is the bottleneck, a low one that the host (kernel launches, Java) is.
 *
 * <p>Memory: the JVM heap in use (what the CPU backend's tensors live in) and, on a GPU, the device
 * bytes in use from {@link #deviceMemory}, which the CUDA backend's caching allocator can supply.
 * ETA counts the steps left at the mean time per step of this process (evaluation included).
 */
public final class TrainLog implements AutoCloseable {
    private final BufferedWriter logFile, metricsFile;
    private final int stepsPerEpoch, epochs, logEvery;
    private LongSupplier deviceBytes = () -> -1;

    private final long startNanos = System.nanoTime();
    private long stepsThisProcess;
    // the current reporting window and epoch
    private long windowStart = System.nanoTime(), epochStart = System.nanoTime(), lastStepEnd = System.nanoTime();
    private double windowLoss, epochLoss;
    private int windowSteps, epochSteps;
    private long windowImages, epochImages;
    private double lastLr;
    private LongSupplier blockedNanos = () -> -1;
    private long windowDataNanos, epochDataNanos;
    private long windowBlockedStart, epochBlockedStart, lastStepBlocked;   // samples of blockedNanos

    private TrainLog(Path out, boolean append, int stepsPerEpoch, int epochs, int logEvery) throws IOException {
        Files.createDirectories(out);
        StandardOpenOption mode = append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
        this.logFile = Files.newBufferedWriter(out.resolve("log.txt"), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
        this.metricsFile = Files.newBufferedWriter(out.resolve("metrics.jsonl"), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
        this.stepsPerEpoch = stepsPerEpoch;
        this.epochs = epochs;
        this.logEvery = logEvery;
    }

    /**
     * Opens {@code out/log.txt} and {@code out/metrics.jsonl}: appended to when {@code resume}, else
     * started afresh.
     */
    public static TrainLog open(Path out, boolean resume, int stepsPerEpoch, int epochs, int logEvery) throws IOException {
        if (stepsPerEpoch < 1 || epochs < 1 || logEvery < 1) {
            throw new IllegalArgumentException("TrainLog: stepsPerEpoch, epochs and logEvery must be >= 1, got " + stepsPerEpoch + ", " + epochs + ", " + logEvery);
        }
        return new TrainLog(out, resume, stepsPerEpoch, epochs, logEvery);
    }

    /** The hook for GPU memory: a supplier of device bytes in use (negative = not on a GPU). */
    public TrainLog deviceMemory(LongSupplier bytesInUse) {
        this.deviceBytes = bytesInUse;
        return this;
    }

    /** The loader's next batch, its wait counted ({@link #waitedForData}): what a training loop calls instead of {@code it.next()}. */
    public Batch next(DataLoader.Epoch it) {
        long t0 = System.nanoTime();
        Batch b = it.next();
        waitedForData(System.nanoTime() - t0);
        return b;
    }

    /** Adds time the loop spent blocked waiting for the data loader's next batch. */
    public void waitedForData(long nanos) {
        windowDataNanos += nanos;
        epochDataNanos += nanos;
    }

    /**
     * The hook for the time blocked on the device: a running total of nanoseconds (negative = not on a
     * GPU), e.g. {@code Backend::hostBlockedNanos}; sampled at every step.
     */
    public TrainLog deviceWait(LongSupplier hostBlockedNanos) {
        this.blockedNanos = hostBlockedNanos;
        windowBlockedStart = epochBlockedStart = lastStepBlocked = hostBlockedNanos.getAsLong();
        return this;
    }

    /** A message for the user: stdout and log.txt. */
    public void info(String line) {
        System.out.println(line);
        try {
            logFile.write(line);
            logFile.newLine();
            logFile.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write log.txt", e);
        }
    }

    /**
     * Records a finished training step.
     *
     * @param step   the global step just done, counted from 1 (so step / stepsPerEpoch epochs are done)
     * @param lr     the learning rate the step used
     * @param images images in the step's batch (for images/s)
     */
    public void step(int epoch, long step, double loss, double lr, int images) {
        stepsThisProcess++;
        lastStepEnd = System.nanoTime();
        lastStepBlocked = blockedNanos.getAsLong();
        windowLoss += loss;
        windowSteps++;
        windowImages += images;
        epochLoss += loss;
        epochSteps++;
        epochImages += images;
        lastLr = lr;
        if (step % logEvery != 0) return;
        double seconds = (System.nanoTime() - windowStart) / 1e9;
        Map<String, Object> rec = record("step", epoch, step);
        rec.put("loss", windowLoss / windowSteps);
        rec.put("lr", lr);
        rec.put("images_per_s", windowImages / seconds);
        long windowBlocked = lastStepBlocked - windowBlockedStart;
        rec.put("data_wait_s", windowDataNanos / 1e9);
        if (lastStepBlocked >= 0) rec.put("device_wait_s", windowBlocked / 1e9);
        rec.put("heap_mb", heapMb());
        if (onDevice()) rec.put("device_mb", deviceBytes.getAsLong() >> 20);
        info(String.format(Locale.ROOT, "epoch %d/%d step %d/%d  loss %.4f  lr %.4g  %.1f img/s  %s  ETA %s  %s",
                epoch + 1, epochs, step - (long) epoch * stepsPerEpoch, stepsPerEpoch, windowLoss / windowSteps, lr,
                windowImages / seconds, waits(windowDataNanos, windowBlocked, seconds), eta(step), memory()));
        write(rec);
        windowLoss = 0;
        windowSteps = 0;
        windowImages = 0;
        windowDataNanos = 0;
        windowBlockedStart = lastStepBlocked;
        windowStart = System.nanoTime();
    }

    /**
     * Closes an epoch: prints its mean loss, time, throughput and the given metrics, and writes an
     * "epoch" record. Extra metrics are numbers, printed and recorded under their names.
     */
    public void epoch(int epoch, long step, Map<String, Double> extra) {
        // training time runs to the epoch's last step; what follows it (evaluation, the checkpoint) is "other"
        long now = System.nanoTime(), trainEnd = Math.max(epochStart, lastStepEnd);
        double seconds = (trainEnd - epochStart) / 1e9, other = (now - trainEnd) / 1e9;
        Map<String, Object> rec = record("epoch", epoch, step);
        rec.put("loss", epochSteps == 0 ? Double.NaN : epochLoss / epochSteps);
        rec.put("lr", lastLr);
        rec.put("train_seconds", seconds);
        rec.put("other_seconds", other);
        rec.put("images_per_s", epochImages / seconds);
        long epochBlocked = lastStepBlocked - epochBlockedStart;   // to the last step: evaluation is "other"
        rec.put("data_wait_s", epochDataNanos / 1e9);
        if (lastStepBlocked >= 0) rec.put("device_wait_s", epochBlocked / 1e9);
        rec.putAll(extra);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d done  loss %.4f  lr %.4g  train %.0f s (%.1f img/s, %s) + eval %.0f s",
                epoch + 1, epochs, epochLoss / Math.max(1, epochSteps), lastLr, seconds, epochImages / seconds,
                waits(epochDataNanos, epochBlocked, seconds), other));
        extra.forEach((k, v) -> line.append(String.format(Locale.ROOT, "  %s %.4f", k, v)));
        line.append("  ETA ").append(eta(step)).append("  ").append(memory());
        info(line.toString());
        write(rec);
        epochLoss = 0;
        epochSteps = 0;
        epochImages = 0;
        epochDataNanos = 0;
        lastStepBlocked = blockedNanos.getAsLong();
        epochBlockedStart = lastStepBlocked;
        epochStart = now;
        windowStart = now;
        windowLoss = 0;
        windowSteps = 0;
        windowImages = 0;
        windowDataNanos = 0;
        windowBlockedStart = lastStepBlocked;
    }

    private Map<String, Object> record(String type, int epoch, long step) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("type", type);
        rec.put("epoch", epoch);
        rec.put("step", step);
        return rec;
    }

    /** Time left: steps to go times this process's mean seconds per step. */
    private String eta(long step) {
        long left = (long) epochs * stepsPerEpoch - step;
        if (stepsThisProcess == 0 || left <= 0) return "0:00:00";
        double perStep = (System.nanoTime() - startNanos) / 1e9 / stepsThisProcess;
        long s = Math.round(left * perStep);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /** "data 3%" and, on a GPU, "device wait 61%": shares of {@code seconds} of wall time. */
    private String waits(long dataNanos, long deviceNanos, double seconds) {
        String data = String.format(Locale.ROOT, "data %.0f%%", 100 * dataNanos / 1e9 / seconds);
        return lastStepBlocked < 0 ? data : data + String.format(Locale.ROOT, "  device wait %.0f%%", 100 * deviceNanos / 1e9 / seconds);
    }

    private boolean onDevice() { return deviceBytes.getAsLong() >= 0; }

    private static long heapMb() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }

    private String memory() {
        return "heap " + heapMb() + " MB" + (onDevice() ? "  gpu " + (deviceBytes.getAsLong() >> 20) + " MB" : "");
    }

    private void write(Map<String, Object> rec) {
        StringBuilder sb = new StringBuilder("{");
        rec.forEach((k, v) -> {
            if (sb.length() > 1) sb.append(',');
            sb.append('"').append(k).append("\":");
            if (v instanceof String s) sb.append('"').append(s).append('"');
            else if (v instanceof Double d) sb.append(Double.isFinite(d) ? d.toString() : "null");  // JSON has no NaN
            else sb.append(v);
        });
        sb.append('}');
        try {
            metricsFile.write(sb.toString());
            metricsFile.newLine();
            metricsFile.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics.jsonl", e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            logFile.close();
        } finally {
            metricsFile.close();
        }
    }
}
