package sslj.ssl.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir Path dir;

    private static final Path REAL = Path.of(FashionMnist.DEFAULT_DIR);

    private static byte[] gz(byte[] pixels, int n, int rows, int cols) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        Idx.writeImages(o, pixels, n, rows, cols);
        return o.toByteArray();
    }

    private static byte[] gzLabels(byte[] labels) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        Idx.writeLabels(o, labels);
        return o.toByteArray();
    }

    /** The raw (uncompressed) IDX bytes of a tiny image file. */
    private static byte[] rawImages(int magic, int n, int rows, int cols, int bodyBytes) {
        byte[] b = new byte[16 + bodyBytes];
        int[] header = {magic, n, rows, cols};
        for (int k = 0; k < 4; k++) for (int j = 0; j < 4; j++) b[4 * k + j] = (byte) (header[k] >>> (24 - 8 * j));
        for (int i = 0; i < bodyBytes; i++) b[16 + i] = (byte) (i * 7);
        return b;
    }

    private static byte[] rawLabels(byte... labels) {
        byte[] b = new byte[8 + labels.length];
        b[3] = 0x01; b[2] = 0x08;                               // 2049 = 0x0801
        b[7] = (byte) labels.length;
        System.arraycopy(labels, 0, b, 8, labels.length);
        return b;
    }

    @Test
    void readsRawAndGzipIdentically() throws IOException {
        byte[] raw = rawImages(2051, 3, 2, 2, 12);
        Files.write(dir.resolve("im"), raw);
        Files.write(dir.resolve("lb"), rawLabels((byte) 0, (byte) 1, (byte) 9));
        ArrayDataset a = Idx.read(dir.resolve("im"), dir.resolve("lb"), 10, "raw");
        Files.write(dir.resolve("im.gz"), gz(Arrays.copyOfRange(raw, 16, 28), 3, 2, 2));
        Files.write(dir.resolve("lb.gz"), gzLabels(new byte[] {0, 1, 9}));
        ArrayDataset b = Idx.read(dir.resolve("im.gz"), dir.resolve("lb.gz"), 10, "gz");
        assertEquals(3, a.size());
        assertArrayEquals(new int[] {0, 1, 9}, a.labels());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(a.rawImage(i), b.rawImage(i));
            assertEquals(a.get(i).image(), b.get(i).image());
        }
        // Pixel k of image 1 is byte (4 + k) * 7, scaled by 1/255, in a 1×2×2 CHW image.
        Sample s = a.get(1);
        assertArrayEquals(new int[] {1, 2, 2}, s.image().shape());
        assertEquals((byte) (5 * 7) & 0xFF, Math.round(s.image().get(0, 0, 1) * 255));
    }

    @Test
    void badMagicNamesTheFile() throws IOException {
        Path p = dir.resolve("swapped.idx");
        Files.write(p, rawLabels((byte) 1));
        Files.write(dir.resolve("lb"), rawLabels((byte) 1));
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.read(p, dir.resolve("lb"), 10, ""));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("bad magic 2049"), e.getMessage());
    }

    @Test
    void truncatedFilesAreReported() throws IOException {
        Path raw = dir.resolve("short.idx");
        Files.write(raw, rawImages(2051, 3, 2, 2, 10));        // 12 pixel bytes promised
        Files.write(dir.resolve("lb"), rawLabels((byte) 1, (byte) 2, (byte) 3));
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.read(raw, dir.resolve("lb"), 10, ""));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("12"), e.getMessage());

        byte[] full = gz(new byte[400], 100, 2, 2);            // a gzip stream cut in half
        Path cut = dir.resolve("cut.gz");
        Files.write(cut, Arrays.copyOf(full, full.length / 2));
        e = assertThrows(DatasetException.class, () -> Idx.read(cut, dir.resolve("lb"), 10, ""));
        assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());

        Path header = dir.resolve("header.idx");
        Files.write(header, new byte[] {0, 0, 8});
        e = assertThrows(DatasetException.class, () -> Idx.read(header, dir.resolve("lb"), 10, ""));
        assertTrue(e.getMessage().contains("truncated header"), e.getMessage());
    }

    @Test
    void corruptGzipIsReported() throws IOException {
        Path p = dir.resolve("garbage.gz");
        byte[] b = gz(new byte[64], 4, 4, 4);
        for (int i = 12; i < b.length - 8; i++) b[i] ^= 0x5A;   // keep the gzip magic, scramble the deflate data
        Files.write(p, b);
        Files.write(dir.resolve("lb"), rawLabels((byte) 1, (byte) 2, (byte) 3, (byte) 4));
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.read(p, dir.resolve("lb"), 10, ""));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    }

    @Test
    void countMismatchAndBadLabelsAreReported() throws IOException {
        Files.write(dir.resolve("im"), rawImages(2051, 3, 2, 2, 12));
        Files.write(dir.resolve("lb2"), rawLabels((byte) 1, (byte) 2));
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.read(dir.resolve("im"), dir.resolve("lb2"), 10, ""));
        assertTrue(e.getMessage().contains("3 images but 2 labels"), e.getMessage());

        Files.write(dir.resolve("lb3"), rawLabels((byte) 1, (byte) 12, (byte) 3));
        e = assertThrows(DatasetException.class, () -> Idx.read(dir.resolve("im"), dir.resolve("lb3"), 10, ""));
        assertTrue(e.getMessage().contains("label 12 of item 1"), e.getMessage());
    }

    @Test
    void missingFilesAndDirectoriesAreReported() {
        Path nope = dir.resolve("nope");
        DatasetException e = assertThrows(DatasetException.class, () -> FashionMnist.load(FashionMnist.Split.TRAIN, nope));
        assertTrue(e.getMessage().startsWith(nope.toString()) && e.getMessage().contains("directory not found"), e.getMessage());
        e = assertThrows(DatasetException.class, () -> FashionMnist.load(FashionMnist.Split.TEST, dir));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz") && e.getMessage().contains("file not found"), e.getMessage());
    }

    @Test
    void withoutTheRealFilesLoadFallsBackToTheEmbeddedSubset() throws IOException {
        String old = System.getProperty(FashionMnist.DIR_PROPERTY);
        System.setProperty(FashionMnist.DIR_PROPERTY, dir.resolve("not-installed").toString());
        try {
            ArrayDataset test = FashionMnist.load(FashionMnist.Split.TEST, null);
            assertEquals(1000, test.size());
            assertTrue(test.describe().contains("embedded subset"), test.describe());
        } finally {
            if (old == null) System.clearProperty(FashionMnist.DIR_PROPERTY);
            else System.setProperty(FashionMnist.DIR_PROPERTY, old);
        }
    }

    @Test
    void embeddedSubsetIsClassBalanced() throws IOException {
        ArrayDataset train = FashionMnist.embedded(FashionMnist.Split.TRAIN), test = FashionMnist.embedded(FashionMnist.Split.TEST);
        assertEquals(4000, train.size());
        assertEquals(1000, test.size());
        int[] count = new int[10];
        for (int l : train.labels()) count[l]++;
        int[] expected = new int[10];
        Arrays.fill(expected, 400);
        assertArrayEquals(expected, count);
        Image im = train.get(0).image();
        assertArrayEquals(new int[] {1, 28, 28}, im.shape());
        for (float v : im.data()) assertTrue(v >= 0 && v <= 1);
    }

    @Test
    void realFilesLoadAndTheSubsetIsReproducible() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(REAL.resolve("train-images-idx3-ubyte.gz")), "dataset-fashion-mnist not installed");
        ArrayDataset train = FashionMnist.load(FashionMnist.Split.TRAIN, null);
        assertEquals(60000, train.size());
        assertEquals(28, train.height());
        double sum = 0, sq = 0;
        for (int i = 0; i < train.size(); i++) for (float v : train.get(i).image().data()) { sum += v; sq += v * v; }
        double n = 60000.0 * 784, mean = sum / n;
        assertEquals(FashionMnist.MEAN, mean, 1e-4);
        assertEquals(FashionMnist.STD, Math.sqrt(sq / n - mean * mean), 1e-4);
        // Regenerate the embedded subset and compare byte for byte with the resources.
        Path out = dir.resolve("subset");
        Files.createDirectories(out);
        MakeFashionMnistSubset.write(train, 400, out, FashionMnist.Split.TRAIN);
        for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"}) {
            try (var in = FashionMnist.class.getResourceAsStream(FashionMnist.SUBSET_RESOURCE + f)) {
                assertArrayEquals(in.readAllBytes(), Files.readAllBytes(out.resolve(f)), f);
            }
        }
    }
}
