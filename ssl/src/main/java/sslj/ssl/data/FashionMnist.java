package sslj.ssl.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017; MIT licence, © Zalando SE): 28×28 grey images of
 * ten kinds of clothing, 60000 for training and 10000 for testing, in IDX files.
 *
 * <p>{@link #load} reads the real files where Debian's {@code dataset-fashion-mnist} package puts
 * them ({@value #DEFAULT_DIR}) and otherwise falls back to a class-balanced subset embedded in this
 * jar (400 training and 100 test images per class, the first of each class in file order, made by
 * {@link MakeFashionMnistSubset}), so the main jobs run on a machine without the package. It prints
 * one line saying which it used.
 */
public final class FashionMnist {
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
    /** System property that moves the default directory (e.g. -Dsslj.fashionMnist.dir=/data/fmnist). */
    public static final String DIR_PROPERTY = "sslj.fashionMnist.dir";
    /** Classpath folder of the embedded subset. */
    public static final String SUBSET_RESOURCE = "/sslj/ssl/data/fashion-mnist-subset/";
    public static final List<String> CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Pixel mean and standard deviation of the 60000 training images (for {@link #normalize()}). */
    public static final float MEAN = 0.2860f, STD = 0.3530f;

    /** Standardisation with the training set's statistics, to append to an augmentation pipeline. */
    public static Normalize normalize() { return new Normalize(new float[] {MEAN}, new float[] {STD}); }

    /** Which half of the dataset: the 60000 training or the 10000 test images (file prefix). */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        /** The file-name prefix: train-... or t10k-... */
        public final String prefix;

        Split(String prefix) { this.prefix = prefix; }

        public String imagesFile() { return prefix + "-images-idx3-ubyte.gz"; }
        public String labelsFile() { return prefix + "-labels-idx1-ubyte.gz"; }
    }

    private FashionMnist() { }

    /**
     * The split from {@code dir}, or when {@code dir} is null from the default directory (the
     * {@value #DIR_PROPERTY} system property, else {@value #DEFAULT_DIR}) if the files are there, else
     * from the embedded subset. An explicit {@code dir} without the files is an error (a
     * {@link DatasetException} naming the missing file): asking for a directory means wanting it.
     */
    public static ArrayDataset load(Split split, Path dir) throws IOException {
        Path d = dir != null ? dir : Path.of(System.getProperty(DIR_PROPERTY, DEFAULT_DIR));
        boolean present = Files.isRegularFile(d.resolve(split.imagesFile())) && Files.isRegularFile(d.resolve(split.labelsFile()));
        ArrayDataset ds = (present || dir != null) ? fromDir(split, d) : embedded(split);
        System.out.println("Fashion-MNIST " + split.name().toLowerCase() + ": " + ds.describe()
                + (present || dir != null ? "" : " (install dataset-fashion-mnist for the full set)"));
        return ds;
    }

    /** The split read from the real files in {@code dir}. */
    public static ArrayDataset fromDir(Split split, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new DatasetException(dir, "directory not found");
        Path images = dir.resolve(split.imagesFile()), labels = dir.resolve(split.labelsFile());
        ArrayDataset ds = Idx.read(images, labels, 10, "");
        return ds.withDescription(ds.size() + " images from " + dir);
    }

    /** The embedded subset of the split (4000 training or 1000 test images). */
    public static ArrayDataset embedded(Split split) throws IOException {
        String imagesName = SUBSET_RESOURCE + split.imagesFile(), labelsName = SUBSET_RESOURCE + split.labelsFile();
        Idx.Images im;
        byte[] lb;
        try (InputStream in = resource(imagesName)) { im = Idx.readImages(Idx.maybeGunzip(in, imagesName), imagesName); }
        try (InputStream in = resource(labelsName)) { lb = Idx.readLabels(Idx.maybeGunzip(in, labelsName), labelsName); }
        return Idx.dataset(im, lb, 10, imagesName, im.count() + " images from the embedded subset");
    }

    private static InputStream resource(String name) throws DatasetException {
        InputStream in = FashionMnist.class.getResourceAsStream(name);
        if (in == null) throw new DatasetException("classpath:" + name, "resource not found (is the ssl jar complete?)");
        return in;
    }
}
