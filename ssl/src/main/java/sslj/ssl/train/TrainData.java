package sslj.ssl.train;

import java.io.IOException;
import sslj.ssl.data.ArrayDataset;
import sslj.ssl.data.Cifar10;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.FashionMnist;
import sslj.ssl.data.ImageFolder;
import sslj.ssl.data.Normalize;
import sslj.ssl.data.Sample;

/**
 * The datasets the {@link Options} name ({@code --data}, {@code --data-dir}, {@code --limit}), for
 * every main class: the training split (first {@code --limit} images), the test split, and the
 * standardisation to put at the end of the augmentation pipeline.
 *
 * <p>Image folders are read as {@value #FOLDER_SIDE}×{@value #FOLDER_SIDE} RGB from
 * {@code DIR/train} and {@code DIR/test} (one sub-folder per class in each).
 */
public final class TrainData {
    public static final int FOLDER_SIDE = 32;

    private TrainData() { }

    /** The training split, cut to the first {@code o.limit} images when a limit is set. */
    public static Dataset train(Options o) throws IOException {
        ArrayDataset all = load(o, true);
        return o.limit > 0 && o.limit < all.size() ? firstN(all, o.limit) : all;
    }

    /** The whole test split. */
    public static ArrayDataset test(Options o) throws IOException { return load(o, false); }

    private static ArrayDataset load(Options o, boolean train) throws IOException {
        return switch (o.data) {
            case "fashion-mnist" -> FashionMnist.load(train ? FashionMnist.Split.TRAIN : FashionMnist.Split.TEST, o.dataDir);
            case "cifar10" -> Cifar10.load(o.dataDir, train);
            case "folder" -> ImageFolder.load(o.dataDir.resolve(train ? "train" : "test"), FOLDER_SIDE, FOLDER_SIDE, 3);
            default -> throw new IllegalArgumentException("unknown dataset " + o.data);
        };
    }

    /**
     * Per-channel standardisation: Fashion-MNIST's and CIFAR-10's training-set statistics (the values
     * every CIFAR recipe uses), 0.5 ± 0.25 for an unknown image folder.
     */
    public static Normalize normalize(Options o) {
        return switch (o.data) {
            case "fashion-mnist" -> FashionMnist.normalize();
            case "cifar10" -> new Normalize(new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});
            default -> new Normalize(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});
        };
    }

    /** The first {@code n} samples of {@code d}, a view (nothing copied). */
    public static Dataset firstN(Dataset d, int n) {
        if (n < 1 || n > d.size()) throw new IllegalArgumentException("firstN: n must be in [1, " + d.size() + "], got " + n);
        return new Dataset() {
            @Override public int size() { return n; }
            @Override public Sample get(int index) {
                if (index < 0 || index >= n) throw new IndexOutOfBoundsException("index " + index + " outside [0, " + n + ")");
                return d.get(index);
            }
            @Override public int numClasses() { return d.numClasses(); }
            @Override public String describe() { return "first " + n + " of " + d.describe(); }
        };
    }

    /** Image channels of a dataset (1 for Fashion-MNIST, 3 otherwise). */
    public static int channels(Options o) { return o.data.equals("fashion-mnist") ? 1 : 3; }

    /** Image side. */
    public static int side(Options o) { return switch (o.data) { case "fashion-mnist" -> 28; case "cifar10" -> Cifar10.SIDE; default -> FOLDER_SIDE; }; }

}
