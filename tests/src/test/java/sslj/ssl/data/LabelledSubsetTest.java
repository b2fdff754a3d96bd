package sslj.ssl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The semi-supervised labelled subset (SimCLR's 1%/10%): balanced, a function of the seed, written and read back. */
class LabelledSubsetTest {

    /** 2000 images of 10 classes in an uneven, interleaved order (class sizes 150..250). */
    private static ArrayDataset dataset() {
        int n = 2000;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = (i * 7 + i / 3) % 10;
        return new ArrayDataset(new byte[n * 4], labels, 1, 2, 2, 10, "toy");
    }

    @Test
    void isClassBalancedAndReproducible() {
        int[] labels = LabelledSubset.labels(dataset());
        int[] a = LabelledSubset.select(labels, 10, 0.1, 42), b = LabelledSubset.select(labels, 10, 0.1, 42);
        assertArrayEquals(a, b);
        assertEquals(200, a.length);                              // 10% of 2000, 20 per class
        int[] perClass = new int[10];
        for (int i : a) perClass[labels[i]]++;
        for (int c = 0; c < 10; c++) assertEquals(20, perClass[c], "class " + c);
        assertEquals(a.length, Arrays.stream(a).distinct().count());
        assertNotEquals(Arrays.toString(a), Arrays.toString(LabelledSubset.select(labels, 10, 0.1, 43)));
        assertEquals(20, LabelledSubset.select(labels, 10, 0.01, 42).length);   // 1%: 2 per class
        assertEquals(10, LabelledSubset.select(labels, 10, 0.0001, 42).length); // at least one per class
    }

    @Test
    void isWrittenThenReadBack(@TempDir Path out) throws IOException {
        ArrayDataset d = dataset();
        LabelledSubset.Chosen first = LabelledSubset.chooseOrRead(d, 1, 7, out);
        assertFalse(first.read());
        assertEquals(out.resolve("labels-1pct-seed7.txt"), first.file());
        assertTrue(Files.readString(first.file()).startsWith("# 1% of toy"));
        LabelledSubset.Chosen again = LabelledSubset.chooseOrRead(d, 1, 7, out);
        assertTrue(again.read());
        assertArrayEquals(first.indices(), again.indices());
        // an edited file is what is used: the file is the record of the run
        Files.writeString(first.file(), "# mine\n5\n17\n");
        assertArrayEquals(new int[] {5, 17}, LabelledSubset.chooseOrRead(d, 1, 7, out).indices());
        assertEquals(2, LabelledSubset.subset(d, new int[] {5, 17}, "mine").size());
        assertEquals(d.get(17).label(), LabelledSubset.subset(d, new int[] {5, 17}, "mine").get(1).label());
    }

    @Test
    void badFilesAndPercentagesAreRefused(@TempDir Path out) throws IOException {
        Path f = out.resolve("idx.txt");
        Files.writeString(f, "1\n2000\n");
        IOException e = assertThrows(IOException.class, () -> LabelledSubset.read(f, 2000));
        assertTrue(e.getMessage().contains("line 2: index 2000 outside"), e.getMessage());
        Files.writeString(f, "1\nx\n");
        assertTrue(assertThrows(IOException.class, () -> LabelledSubset.read(f, 2000)).getMessage().contains("not an index: 'x'"));
        Files.writeString(f, "3\n3\n");
        assertTrue(assertThrows(IOException.class, () -> LabelledSubset.read(f, 2000)).getMessage().contains("twice"));
        assertThrows(IllegalArgumentException.class, () -> LabelledSubset.select(new int[] {0, 1}, 2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> LabelledSubset.select(new int[] {0, 1}, 2, 1.01, 1));
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class, () -> LabelledSubset.select(new int[] {0, 0, 0, 1}, 2, 1.0, 1));
        assertTrue(few.getMessage().contains("class 1 has 1 images"), few.getMessage());
    }

    @Test
    void labelledSubsetIsBalancedSeededAndRoundTrips(@TempDir Path dir) throws Exception {
        int[] labels = new int[1000];
        for (int i = 0; i < labels.length; i++) labels[i] = (i * 7) % 10;
        int[] a = LabelledSubset.select(labels, 10, 0.1, 42), b = LabelledSubset.select(labels, 10, 0.1, 42), c = LabelledSubset.select(labels, 10, 0.1, 43);
        assertEquals(100, a.length);
        int[] perClass = new int[10];
        for (int i : a) perClass[labels[i]]++;
        for (int k = 0; k < 10; k++) assertEquals(10, perClass[k], "class " + k);
        assertArrayEquals(a, b, "same seed, same subset");
        assertFalse(Arrays.equals(a, c), "another seed, another subset");
        assertEquals(Arrays.stream(a).distinct().count(), a.length);
        assertEquals(10, LabelledSubset.select(labels, 10, 0.01, 42).length);   // 1%: one per class
        Path f = dir.resolve("subset.txt");
        LabelledSubset.write(f, a, "10% test");
        assertTrue(Files.readString(f).startsWith("# 10% test\n"));
        assertArrayEquals(a, LabelledSubset.read(f, 1000));
        Files.writeString(f, "# x\n3\nfour\n");
        assertTrue(assertThrows(java.io.IOException.class, () -> LabelledSubset.read(f, 1000)).getMessage().contains("line 3"));
        assertThrows(IllegalArgumentException.class, () -> LabelledSubset.select(labels, 10, 0, 1));
    }
}
