package sslj.ssl.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), read and written.
 *
 * <pre>
 *   images: int32 magic 2051 (0x00000803: unsigned bytes, 3 dimensions), int32 count, rows, cols,
 *           then count × rows × cols pixel bytes, row-major, 0 = background
 *   labels: int32 magic 2049 (0x00000801: unsigned bytes, 1 dimension), int32 count, then count bytes
 * </pre>
 * All integers are big-endian (as {@link DataInputStream} reads them). Files may be gzipped: a stream
 * that starts with the gzip magic bytes 0x1f 0x8b is inflated, anything else is read raw.
 */
public final class Idx {
    public static final int IMAGES_MAGIC = 2051, LABELS_MAGIC = 2049;

    private Idx() { }

    /** Decoded image file: {@code count} images of rows × cols bytes. */
    public record Images(byte[] pixels, int count, int rows, int cols) { }

    /** Reads an image file and its label file, checking that their counts agree and labels lie in [0, numClasses). */
    public static ArrayDataset read(Path images, Path labels, int numClasses, String description) throws IOException {
        Images im;
        byte[] lb;
        try (InputStream in = open(images)) { im = readImages(in, images.toString()); }
        try (InputStream in = open(labels)) { lb = readLabels(in, labels.toString()); }
        return dataset(im, lb, numClasses, images + " + " + labels, description);
    }

    /** Builds the dataset from decoded files; {@code name} names the pair in errors. */
    static ArrayDataset dataset(Images im, byte[] lb, int numClasses, String name, String description) throws DatasetException {
        if (im.count() != lb.length) {
            throw new DatasetException(name, "count mismatch: " + im.count() + " images but " + lb.length + " labels");
        }
        int[] labels = new int[lb.length];
        for (int i = 0; i < lb.length; i++) {
            labels[i] = lb[i] & 0xFF;
            if (labels[i] >= numClasses) throw new DatasetException(name, "label " + labels[i] + " of item " + i + " is outside [0, " + numClasses + ")");
        }
        return new ArrayDataset(im.pixels(), labels, 1, im.rows(), im.cols(), numClasses, description);
    }

    /** Opens a file, inflating it when it starts with the gzip magic 0x1f 0x8b. */
    public static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new DatasetException(file, Files.exists(file) ? "not a regular file" : "file not found");
        try {
            return maybeGunzip(Files.newInputStream(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, "file not found", e);
        }
    }

    /** Wraps {@code raw} in a {@link GZIPInputStream} when its first two bytes are 0x1f 0x8b. */
    public static InputStream maybeGunzip(InputStream raw, String name) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            } catch (ZipException | EOFException e) {
                in.close();
                throw new DatasetException(name, "corrupt gzip header: " + e.getMessage(), e);
            }
        }
        return in;
    }

    /** Reads an IDX image file from {@code in} ({@code name} is used in errors). */
    public static Images readImages(InputStream in, String name) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int magic = header(d, name, "magic number");
        if (magic != IMAGES_MAGIC) throw new DatasetException(name, "bad magic " + magic + ", expected " + IMAGES_MAGIC + " (IDX images)" + (magic == LABELS_MAGIC ? "; this is a label file" : ""));
        int count = header(d, name, "image count"), rows = header(d, name, "row count"), cols = header(d, name, "column count");
        if (count < 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols > Integer.MAX_VALUE - 8) {
            throw new DatasetException(name, "implausible header: " + count + " images of " + rows + "x" + cols);
        }
        byte[] pixels = body(d, name, count * rows * cols, "pixel");
        return new Images(pixels, count, rows, cols);
    }

    /** Reads an IDX label file from {@code in}. */
    public static byte[] readLabels(InputStream in, String name) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int magic = header(d, name, "magic number");
        if (magic != LABELS_MAGIC) throw new DatasetException(name, "bad magic " + magic + ", expected " + LABELS_MAGIC + " (IDX labels)" + (magic == IMAGES_MAGIC ? "; this is an image file" : ""));
        int count = header(d, name, "label count");
        if (count < 0) throw new DatasetException(name, "implausible header: " + count + " labels");
        return body(d, name, count, "label");
    }

    private static int header(DataInputStream d, String name, String field) throws IOException {
        try {
            return d.readInt();
        } catch (EOFException e) {
            throw new DatasetException(name, "truncated header: no " + field, e);
        } catch (ZipException e) {
            throw new DatasetException(name, "corrupt gzip data: " + e.getMessage(), e);
        }
    }

    private static byte[] body(DataInputStream d, String name, int n, String what) throws IOException {
        byte[] out = new byte[n];
        int got = 0;
        try {
            while (got < n) {
                int r = d.read(out, got, n - got);
                if (r < 0) break;
                got += r;
            }
            if (got < n) throw new DatasetException(name, "truncated: header promises " + n + " " + what + " bytes, file holds " + got);
            if (d.read() >= 0) throw new DatasetException(name, "trailing bytes after the " + n + " " + what + " bytes the header promises");
        } catch (ZipException | EOFException e) {
            throw new DatasetException(name, "corrupt gzip data after " + got + " of " + n + " " + what + " bytes: " + e.getMessage(), e);
        }
        return out;
    }

    // ---------------------------------------------------------------- writing (for the embedded subset)

    /** Writes an image file, gzipped (Java's gzip header has mtime 0, so output is byte-for-byte reproducible). */
    public static void writeImages(OutputStream out, byte[] pixels, int count, int rows, int cols) throws IOException {
        try (DataOutputStream d = new DataOutputStream(new GZIPOutputStream(out, 1 << 16))) {
            d.writeInt(IMAGES_MAGIC);
            d.writeInt(count);
            d.writeInt(rows);
            d.writeInt(cols);
            d.write(pixels, 0, count * rows * cols);
        }
    }

    /** Writes a label file, gzipped. */
    public static void writeLabels(OutputStream out, byte[] labels) throws IOException {
        try (DataOutputStream d = new DataOutputStream(new GZIPOutputStream(out, 1 << 16))) {
            d.writeInt(LABELS_MAGIC);
            d.writeInt(labels.length);
            d.write(labels);
        }
    }
}
