package sslj.ssl.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sslj.ssl.data.ArrayDataset;

/** The semi-supervised labelled subset: balanced, a function of the seed, written and read back. */
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
        int[] a = LabelledSubset.choose(labels, 10, 10, 42), b = LabelledSubset.choose(labels, 10, 10, 42);
        assertArrayEquals(a, b);
        assertEquals(200, a.length);                              // 10% of 2000, 20 per class
        int[] perClass = new int[10];
        for (int i : a) perClass[labels[i]]++;
        for (int c = 0; c < 10; c++) assertEquals(20, perClass[c], "class " + c);
        assertEquals(a.length, java.util.Arrays.stream(a).distinct().count());
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(LabelledSubset.choose(labels, 10, 10, 43)));
        assertEquals(20, LabelledSubset.choose(labels, 10, 1, 42).length);   // 1%: 2 per class
        assertEquals(10, LabelledSubset.choose(labels, 10, 0.01, 42).length); // at least one per class
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
        assertEquals(2, LabelledSubset.subset(d, new int[] {5, 17}).size());
        assertEquals(d.get(17).label(), LabelledSubset.subset(d, new int[] {5, 17}).get(1).label());
    }

    @Test
    void badFilesAndPercentagesAreRefused(@TempDir Path out) throws IOException {
        Path f = out.resolve("idx.txt");
        Files.writeString(f, "1\n2000\n");
        IOException e = assertThrows(IOException.class, () -> LabelledSubset.read(f, 2000));
        assertTrue(e.getMessage().contains(":2: index 2000 outside"), e.getMessage());
        Files.writeString(f, "1\nx\n");
        assertTrue(assertThrows(IOException.class, () -> LabelledSubset.read(f, 2000)).getMessage().contains("not an index: 'x'"));
        Files.writeString(f, "3\n3\n");
        assertTrue(assertThrows(IOException.class, () -> LabelledSubset.read(f, 2000)).getMessage().contains("twice"));
        assertThrows(IllegalArgumentException.class, () -> LabelledSubset.choose(new int[] {0, 1}, 2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> LabelledSubset.choose(new int[] {0, 1}, 2, 101, 1));
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class, () -> LabelledSubset.choose(new int[] {0, 0, 0, 1}, 2, 100, 1));
        assertTrue(few.getMessage().contains("class 1 has 1 images"), few.getMessage());
    }
}
