package sslj.ssl.data;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir Path root;

    private static void png(Path file, int w, int h, int rgb) throws IOException {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) im.setRGB(x, y, x == 0 && y == 0 ? 0xFFFFFF : rgb);
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(im, "png", file.toFile()));
    }

    @Test
    void sortedClassesAndExactPixels() throws IOException {
        png(root.resolve("zebra/b.png"), 4, 4, 0x102030);
        png(root.resolve("zebra/a.png"), 4, 4, 0x405060);
        png(root.resolve("ant/x.png"), 4, 4, 0xFF0000);
        Files.writeString(root.resolve("ant/readme.txt"), "ignored");
        assertEquals(List.of("ant", "zebra"), ImageFolder.classes(root));
        ArrayDataset ds = ImageFolder.load(root, 4, 4, 3);
        assertEquals(3, ds.size());
        assertEquals(2, ds.numClasses());
        assertArrayEquals(new int[] {0, 1, 1}, ds.labels());
        Image a = ds.get(1).image();                    // zebra/a.png comes before zebra/b.png
        assertEquals(0x40 / 255f, a.get(0, 2, 3));
        assertEquals(0x50 / 255f, a.get(1, 2, 3));
        assertEquals(0x60 / 255f, a.get(2, 2, 3));
        assertEquals(1f, a.get(1, 0, 0));               // the white corner
    }

    @Test
    void resizesAndConvertsToGrey() throws IOException {
        png(root.resolve("c/big.png"), 8, 6, 0x808080);
        ArrayDataset ds = ImageFolder.load(root, 3, 4, 1);
        Image im = ds.get(0).image();
        assertArrayEquals(new int[] {1, 3, 4}, im.shape());
        assertEquals(0x80 / 255f, im.get(0, 2, 2), 1e-6);  // far from the white corner: unchanged grey
        // A single-band grey PNG keeps its stored levels.
        BufferedImage g = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSample(1, 1, 0, 77);
        ImageIO.write(g, "png", root.resolve("c/grey.png").toFile());
        ds = ImageFolder.load(root, 2, 2, 1);
        assertEquals(77 / 255f, ds.get(1).image().get(0, 1, 1));
    }

    @Test
    void readsJpegToo() throws IOException {
        BufferedImage im = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) im.setRGB(x, y, 0x3366CC);
        Files.createDirectories(root.resolve("blue"));
        assertTrue(ImageIO.write(im, "jpg", root.resolve("blue/flat.jpg").toFile()));
        Image got = ImageFolder.load(root, 8, 8, 3).get(0).image();
        // JPEG is lossy (chroma subsampling, quantisation): a flat colour comes back within a few levels.
        assertEquals(0x33 / 255f, got.get(0, 4, 4), 4 / 255f);
        assertEquals(0x66 / 255f, got.get(1, 4, 4), 4 / 255f);
        assertEquals(0xCC / 255f, got.get(2, 4, 4), 4 / 255f);
    }

    @Test
    void errorsNameTheFolderOrFile() throws IOException {
        Path missing = root.resolve("missing");
        DatasetException e = assertThrows(DatasetException.class, () -> ImageFolder.load(missing, 4, 4, 3));
        assertTrue(e.getMessage().startsWith(missing.toString()), e.getMessage());

        e = assertThrows(DatasetException.class, () -> ImageFolder.load(root, 4, 4, 3));
        assertTrue(e.getMessage().contains("no class sub-folders"), e.getMessage());

        Files.createDirectories(root.resolve("empty"));
        e = assertThrows(DatasetException.class, () -> ImageFolder.load(root, 4, 4, 3));
        assertTrue(e.getMessage().contains("empty image folder"), e.getMessage());

        Path bad = root.resolve("empty/broken.png");
        Files.writeString(bad, "this is not a PNG");
        e = assertThrows(DatasetException.class, () -> ImageFolder.load(root, 4, 4, 3));
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
    }
}
