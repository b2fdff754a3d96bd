package sslj.ssl.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 in its binary version (https://www.cs.toronto.edu/~kriz/cifar.html, "cifar-10-batches-bin"):
 * files data_batch_1.bin … data_batch_5.bin (training, 10000 images each) and test_batch.bin, each a
 * sequence of 3073-byte records: one label byte (0–9), then 1024 red, 1024 green and 1024 blue bytes,
 * each plane 32 × 32 row-major. That is already CHW, so records are copied as they are.
 */
public final class Cifar10 {
    public static final int SIDE = 32, IMAGE_BYTES = 3 * SIDE * SIDE, RECORD_BYTES = 1 + IMAGE_BYTES;
    public static final List<String> CLASSES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private Cifar10() { }

    /** The training set (data_batch_1..5.bin) or the test set (test_batch.bin) from {@code dir}. */
    public static ArrayDataset load(Path dir, boolean train) throws IOException {
        if (!Files.isDirectory(dir)) throw new DatasetException(dir, "directory not found (expected CIFAR-10 binary batches, cifar-10-batches-bin)");
        List<Path> files = new ArrayList<>();
        if (train) for (int i = 1; i <= 5; i++) files.add(dir.resolve("data_batch_" + i + ".bin"));
        else files.add(dir.resolve("test_batch.bin"));
        return read(files, "CIFAR-10 " + (train ? "train" : "test") + " from " + dir);
    }

    /** Concatenates the records of the given batch files. */
    public static ArrayDataset read(List<Path> files, String description) throws IOException {
        List<byte[]> contents = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) throw new DatasetException(f, "file not found");
            byte[] b = Files.readAllBytes(f);
            if (b.length == 0) throw new DatasetException(f, "empty file");
            if (b.length % RECORD_BYTES != 0) {
                throw new DatasetException(f, "truncated or corrupt: " + b.length + " bytes is not a whole number of " + RECORD_BYTES
                        + "-byte records (" + b.length / RECORD_BYTES + " records and " + b.length % RECORD_BYTES + " bytes left over)");
            }
            contents.add(b);
            total += b.length / RECORD_BYTES;
        }
        if (total * IMAGE_BYTES > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("too many CIFAR records: " + total);
        byte[] pixels = new byte[(int) total * IMAGE_BYTES];
        int[] labels = new int[(int) total];
        int n = 0;
        for (int k = 0; k < files.size(); k++) {
            byte[] b = contents.get(k);
            for (int r = 0; r < b.length / RECORD_BYTES; r++, n++) {
                int label = b[r * RECORD_BYTES] & 0xFF;
                if (label >= 10) throw new DatasetException(files.get(k), "record " + r + " has label " + label + ", outside [0, 10): not a CIFAR-10 batch (CIFAR-100 records are 3074 bytes)");
                labels[n] = label;
                System.arraycopy(b, r * RECORD_BYTES + 1, pixels, n * IMAGE_BYTES, IMAGE_BYTES);
            }
        }
        return new ArrayDataset(pixels, labels, 3, SIDE, SIDE, 10, total + " images, " + description);
    }
}
