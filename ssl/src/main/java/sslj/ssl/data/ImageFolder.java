package sslj.ssl.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder of images with one sub-folder per class (torchvision.datasets.ImageFolder):
 * {@code root/cat/001.png, root/dog/xyz.jpg, ...}. Class names are sorted (String order) and numbered
 * from 0; files inside a class are sorted by name. Files ending in .png, .jpg, .jpeg, .bmp or .gif
 * are read with javax.imageio; other files are ignored.
 *
 * <p>Images may have any size: each is resized (bilinear, {@link Resize}) to {@code height × width}
 * and rounded back to 8 bits, as PIL would hand it over, then kept in memory. Everything is decoded
 * here, when the dataset is built, so a bad file fails at once with its name rather than in a worker.
 * {@code channels} = 3 gives RGB (alpha dropped), 1 gives grey: luma 0.299 R + 0.587 G + 0.114 B
 * (PIL's convert("L")), or the stored value for images that are already single-band grey.
 */
public final class ImageFolder {
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    private ImageFolder() { }

    public static ArrayDataset load(Path root, int height, int width, int channels) throws IOException {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("ImageFolder: channels must be 1 or 3, got " + channels);
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("ImageFolder: size must be positive, got " + height + "x" + width);
        if (!Files.isDirectory(root)) throw new DatasetException(root, "directory not found");
        List<Path> classDirs = sortedChildren(root, true);
        if (classDirs.isEmpty()) throw new DatasetException(root, "no class sub-folders (expected root/<class>/<image>)");

        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classDirs.size(); c++) {
            for (Path f : sortedChildren(classDirs.get(c), false)) {
                if (isImage(f)) { files.add(f); labels.add(c); }
            }
        }
        if (files.isEmpty()) throw new DatasetException(root, "empty image folder: no " + EXTENSIONS + " files in its " + classDirs.size() + " class folders");

        int per = channels * height * width;
        byte[] pixels = new byte[files.size() * per];
        for (int i = 0; i < files.size(); i++) {
            Image src = decode(files.get(i), channels);
            Image im = Resize.bilinear(src, 0, 0, src.height(), src.width(), height, width);
            float[] d = im.data();
            for (int k = 0; k < per; k++) pixels[i * per + k] = (byte) Math.round(Colour.clamp01(d[k]) * 255f);
        }
        int[] lab = labels.stream().mapToInt(Integer::intValue).toArray();
        return new ArrayDataset(pixels, lab, channels, height, width, classDirs.size(),
                files.size() + " images in " + classDirs.size() + " classes from " + root);
    }

    /** The sorted class names of {@code root}, label order. */
    public static List<String> classes(Path root) throws IOException {
        return sortedChildren(root, true).stream().map(p -> p.getFileName().toString()).toList();
    }

    /** One file decoded to a CHW float image in [0, 1] at its own size. */
    static Image decode(Path file, int channels) throws IOException {
        BufferedImage bi;
        try {
            bi = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DatasetException(file, "corrupt image: " + e.getMessage(), e);
        }
        if (bi == null) throw new DatasetException(file, "not a readable image (no ImageIO decoder recognises its contents)");
        int h = bi.getHeight(), w = bi.getWidth(), n = h * w;
        float[] out = new float[channels * n];
        Raster raster = bi.getRaster();
        boolean grey = raster.getNumBands() == 1 && !(bi.getColorModel() instanceof IndexColorModel);
        if (grey) {
            // Read stored grey levels directly: getRGB would pass them through a colour-space conversion.
            float max = (1 << bi.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) / max;
                    for (int c = 0; c < channels; c++) out[c * n + y * w + x] = v;
                }
            }
        } else {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = bi.getRGB(x, y);
                    int r = (argb >> 16) & 0xFF, g = (argb >> 8) & 0xFF, b = argb & 0xFF;
                    int i = y * w + x;
                    if (channels == 3) {
                        out[i] = r / 255f; out[n + i] = g / 255f; out[2 * n + i] = b / 255f;
                    } else {
                        out[i] = (r * 299 + g * 587 + b * 114) / 1000 / 255f;   // PIL's integer luma
                    }
                }
            }
        }
        return new Image(out, channels, h, w);
    }

    private static boolean isImage(Path f) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(f) && EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static List<Path> sortedChildren(Path dir, boolean directories) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> directories == Files.isDirectory(p)).sorted().toList();
        }
    }
}
