package sslj.nn.optim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;
import sslj.nn.Module;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * Saves and restores a whole training state in a directory, so that a resumed run continues bit for
 * bit as the uninterrupted one would have:
 * <pre>
 *   dir/model.tensors            the model's state dict (parameters and buffers), by dotted name
 *   dir/optimizer.tensors        {@link Optimizer#state()}: group lr / weight decay, step counts, slots
 *   dir/checkpoint.properties    format, epoch, step, scheduler step, RNG seed and offset
 * </pre>
 * The tensor files go through a {@link TensorStore} ({@link SafeTensorsStore} by default, so PyTorch reads the weights; or
 * safetensors once {@code sslj.nn.SafeTensors} exists). The properties file is written last and
 * atomically: a directory without it is an interrupted save and does not load.
 *
 * <pre>
 *   Checkpoint ckpt = new Checkpoint();
 *   ckpt.save(dir, model, opt, sched, rng, epoch, step);
 *   Checkpoint.Progress at = ckpt.load(dir, model, opt, sched, rng);   // into freshly built objects
 * </pre>
 */
public final class Checkpoint {
    public static final String META = "checkpoint.properties";
    private static final String FORMAT = "sslj-checkpoint-1";

    private final TensorStore store;

    /** Where a loaded run stands: the epoch and global step saved with it. */
    public record Progress(long epoch, long step) { }

    public Checkpoint() { this(new SafeTensorsStore()); }

    public Checkpoint(TensorStore store) {
        if (store == null) throw new IllegalArgumentException("Checkpoint: store must not be null");
        this.store = store;
    }

    /** True when {@code dir} holds a complete checkpoint. */
    public static boolean exists(Path dir) { return Files.isRegularFile(dir.resolve(META)); }

    /** Writes the state; {@code optimizer}, {@code scheduler} and {@code rng} may be null (not saved). */
    public void save(Path dir, Module model, Optimizer optimizer, Scheduler scheduler, Generator rng, long epoch, long step) throws IOException {
        if (model == null) throw new IllegalArgumentException("Checkpoint.save: model must not be null");
        if (epoch < 0 || step < 0) throw new IllegalArgumentException("Checkpoint.save: epoch and step must be >= 0, got " + epoch + ", " + step);
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(META)); // until the new one is written, the directory is incomplete
        Properties meta = new Properties();
        meta.setProperty("format", FORMAT);
        meta.setProperty("tensor.format", store.extension());
        meta.setProperty("epoch", Long.toString(epoch));
        meta.setProperty("step", Long.toString(step));
        store.write(file(dir, "model"), model.stateDict());
        if (optimizer != null) {
            store.write(file(dir, "optimizer"), optimizer.state());
            meta.setProperty("optimizer", optimizer.getClass().getSimpleName());
        }
        if (scheduler != null) meta.setProperty("scheduler.step", Long.toString(scheduler.stepCount()));
        if (rng != null) {
            meta.setProperty("rng.seed", Long.toString(rng.seed()));
            meta.setProperty("rng.offset", Long.toString(rng.offset()));
        }
        Path tmp = dir.resolve(META + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            meta.store(out, "sslj training checkpoint");
        }
        Files.move(tmp, dir.resolve(META), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Restores into already-built objects (the same architecture and optimiser set-up as when saved).
     * A null argument is not restored; a non-null one whose part is absent from the checkpoint fails.
     * The generator must have the saved seed; its offset is restored.
     */
    public Progress load(Path dir, Module model, Optimizer optimizer, Scheduler scheduler, Generator rng) throws IOException {
        Path metaFile = dir.resolve(META);
        if (!Files.isRegularFile(metaFile)) {
            throw new IOException(dir + ": no " + META + " (not a checkpoint directory, or a save that did not finish)");
        }
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(metaFile)) {
            meta.load(in);
        }
        if (!FORMAT.equals(meta.getProperty("format"))) {
            throw new IOException(metaFile + ": format '" + meta.getProperty("format") + "', expected '" + FORMAT + "'");
        }
        if (!store.extension().equals(meta.getProperty("tensor.format"))) {
            throw new IOException(metaFile + ": tensors stored as '" + meta.getProperty("tensor.format") + "', this Checkpoint reads '" + store.extension() + "'");
        }
        long epoch = number(meta, metaFile, "epoch"), step = number(meta, metaFile, "step");
        Map<String, Tensor> modelState = store.read(file(dir, "model"));
        Map<String, Tensor> optState = null;
        if (optimizer != null) {
            if (meta.getProperty("optimizer") == null) throw new IOException(metaFile + ": the checkpoint holds no optimiser state");
            if (!meta.getProperty("optimizer").equals(optimizer.getClass().getSimpleName())) {
                throw new IOException(metaFile + ": saved from " + meta.getProperty("optimizer") + ", loading into " + optimizer.getClass().getSimpleName());
            }
            optState = store.read(file(dir, "optimizer"));
        }
        long seed = 0, offset = 0, schedStep = 0;
        if (rng != null) {
            seed = number(meta, metaFile, "rng.seed");
            offset = number(meta, metaFile, "rng.offset");
            if (seed != rng.seed()) throw new IOException(metaFile + ": saved with RNG seed " + seed + ", the generator has seed " + rng.seed());
        }
        if (scheduler != null) schedStep = number(meta, metaFile, "scheduler.step");
        // everything read and checked: now change the objects
        try {
            model.loadStateDict(modelState, true);
            if (optimizer != null) optimizer.loadState(optState);
        } catch (IllegalArgumentException e) {
            throw new IOException(dir + ": checkpoint does not fit: " + e.getMessage(), e);
        }
        if (scheduler != null) scheduler.setStepCount(schedStep);
        if (rng != null) rng.setOffset(offset);
        return new Progress(epoch, step);
    }

    private Path file(Path dir, String part) { return dir.resolve(part + "." + store.extension()); }

    private static long number(Properties meta, Path file, String key) throws IOException {
        String v = meta.getProperty(key);
        if (v == null) throw new IOException(file + ": missing '" + key + "'");
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IOException(file + ": '" + key + "' is not a whole number: '" + v + "'");
        }
    }
}
