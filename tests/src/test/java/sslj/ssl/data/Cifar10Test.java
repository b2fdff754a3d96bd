package sslj.ssl.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10Test {
    @TempDir Path dir;

    /** n records: label i % 10, red plane = i, green = 100 + y, blue = 200 + x. */
    private static byte[] records(int n) {
        byte[] b = new byte[n * Cifar10.RECORD_BYTES];
        for (int i = 0; i < n; i++) {
            int o = i * Cifar10.RECORD_BYTES;
            b[o] = (byte) (i % 10);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    b[o + 1 + y * 32 + x] = (byte) i;
                    b[o + 1 + 1024 + y * 32 + x] = (byte) (100 + y);
                    b[o + 1 + 2048 + y * 32 + x] = (byte) (200 + x % 50);
                }
            }
        }
        return b;
    }

    @Test
    void readsRecordsAsChwPlanes() throws IOException {
        Files.write(dir.resolve("test_batch.bin"), records(3));
        ArrayDataset ds = Cifar10.load(dir, false);
        assertEquals(3, ds.size());
        assertArrayEquals(new int[] {0, 1, 2}, ds.labels());
        Image im = ds.get(2).image();
        assertArrayEquals(new int[] {3, 32, 32}, im.shape());
        assertEquals(2 / 255f, im.get(0, 5, 7));
        assertEquals(105 / 255f, im.get(1, 5, 7));
        assertEquals(207 / 255f, im.get(2, 5, 7));
    }

    @Test
    void concatenatesTrainingBatches() throws IOException {
        for (int i = 1; i <= 5; i++) Files.write(dir.resolve("data_batch_" + i + ".bin"), records(i));
        ArrayDataset ds = Cifar10.load(dir, true);
        assertEquals(15, ds.size());
        assertEquals(0, ds.label(1));                   // second file's first record
    }

    @Test
    void badFilesAreReported() throws IOException {
        Path f = dir.resolve("test_batch.bin");
        Files.write(f, Arrays.copyOf(records(2), 2 * Cifar10.RECORD_BYTES - 5));
        DatasetException e = assertThrows(DatasetException.class, () -> Cifar10.load(dir, false));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("not a whole number of 3073-byte records"), e.getMessage());

        Files.write(f, new byte[0]);
        e = assertThrows(DatasetException.class, () -> Cifar10.load(dir, false));
        assertTrue(e.getMessage().contains("empty file"), e.getMessage());

        byte[] bad = records(2);
        bad[Cifar10.RECORD_BYTES] = 42;
        Files.write(f, bad);
        e = assertThrows(DatasetException.class, () -> Cifar10.load(dir, false));
        assertTrue(e.getMessage().contains("record 1 has label 42"), e.getMessage());

        e = assertThrows(DatasetException.class, () -> Cifar10.load(dir, true));
        assertTrue(e.getMessage().contains("data_batch_1.bin: file not found"), e.getMessage());

        Path missing = dir.resolve("missing");
        e = assertThrows(DatasetException.class, () -> Cifar10.load(missing, true));
        assertTrue(e.getMessage().startsWith(missing.toString()), e.getMessage());
    }
}
