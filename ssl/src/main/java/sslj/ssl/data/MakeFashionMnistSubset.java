package sslj.ssl.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes the embedded Fashion-MNIST subset from the real files: for each split, the first
 * {@code perClass} images of every class in file order (so the subset is class-balanced and keeps the
 * original order), written as gzipped IDX files. Re-running it on the same input gives the same bytes.
 *
 * <pre>
 *   java -cp ssl/target/classes sslj.ssl.data.MakeFashionMnistSubset \
 *        [srcDir=/usr/share/datasets/fashion-mnist] [outDir=ssl/src/main/resources/sslj/ssl/data/fashion-mnist-subset] \
 *        [trainPerClass=400] [testPerClass=100]
 * </pre>
 */
public final class MakeFashionMnistSubset {
    private MakeFashionMnistSubset() { }

    public static void main(String[] args) throws IOException {
        Path src = Path.of(args.length > 0 ? args[0] : FashionMnist.DEFAULT_DIR);
        Path out = Path.of(args.length > 1 ? args[1] : "ssl/src/main/resources/sslj/ssl/data/fashion-mnist-subset");
        int trainPerClass = args.length > 2 ? Integer.parseInt(args[2]) : 400;
        int testPerClass = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        Files.createDirectories(out);
        write(FashionMnist.fromDir(FashionMnist.Split.TRAIN, src), trainPerClass, out, FashionMnist.Split.TRAIN);
        write(FashionMnist.fromDir(FashionMnist.Split.TEST, src), testPerClass, out, FashionMnist.Split.TEST);
    }

    /** Writes the first {@code perClass} images of each class of {@code ds} as the split's two files in {@code out}. */
    public static void write(ArrayDataset ds, int perClass, Path out, FashionMnist.Split split) throws IOException {
        int[] picked = firstPerClass(ds.labels(), ds.numClasses(), perClass);
        int per = ds.height() * ds.width();
        byte[] pixels = new byte[picked.length * per];
        byte[] labels = new byte[picked.length];
        for (int k = 0; k < picked.length; k++) {
            System.arraycopy(ds.rawImage(picked[k]), 0, pixels, k * per, per);
            labels[k] = (byte) ds.label(picked[k]);
        }
        try (OutputStream o = Files.newOutputStream(out.resolve(split.imagesFile()))) {
            Idx.writeImages(o, pixels, picked.length, ds.height(), ds.width());
        }
        try (OutputStream o = Files.newOutputStream(out.resolve(split.labelsFile()))) {
            Idx.writeLabels(o, labels);
        }
        System.out.println(split + ": " + picked.length + " images (" + perClass + " per class) -> " + out);
    }

    /** Indices of the first {@code perClass} items of each class, in their original order. */
    public static int[] firstPerClass(int[] labels, int numClasses, int perClass) {
        int[] taken = new int[numClasses];
        int[] out = new int[numClasses * perClass];
        int n = 0;
        for (int i = 0; i < labels.length && n < out.length; i++) {
            if (taken[labels[i]] < perClass) {
                taken[labels[i]]++;
                out[n++] = i;
            }
        }
        if (n < out.length) throw new IllegalArgumentException("only " + n + " items; some class has fewer than " + perClass);
        return out;
    }
}
