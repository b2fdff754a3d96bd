package sslj.ssl.train;

import java.util.Map;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.Transform;
import sslj.ssl.method.SslMethod;
import sslj.tensor.Device;

/**
 * Per-epoch weighted kNN accuracy of the method's encoder ({@link Knn}: k = 200, τ = 0.1, cosine
 * similarity, the vote of Wu et al. 2018, section 3.4): the features of the training images (the bank, un-augmented) classify the test
 * images. Returns {@code {"knn_acc": accuracy}}. The encoder runs in eval mode without gradients.
 */
public final class KnnMonitor implements EpochMonitor {
    private final Dataset bank, test;
    private final Transform transform;
    private final Device device;
    private final int k, batchSize, workers;
    private final double tau;

    /**
     * @param bank      labelled images whose features vote (the training set, or its first N: --knn-bank)
     * @param test      images to classify
     * @param transform what every image goes through (the dataset's standardisation)
     */
    public KnnMonitor(Dataset bank, Dataset test, Transform transform, Device device, int k, double tau, int batchSize, int workers) {
        if (bank.size() == 0 || test.size() == 0) throw new IllegalArgumentException("KnnMonitor: the bank and the test set must not be empty");
        if (bank.numClasses() != test.numClasses()) throw new IllegalArgumentException("KnnMonitor: bank has " + bank.numClasses() + " classes, test set " + test.numClasses());
        this.bank = bank;
        this.test = test;
        this.transform = transform;
        this.device = device;
        this.k = k;
        this.tau = tau;
        this.batchSize = batchSize;
        this.workers = workers;
    }

    /** The paper defaults (k 200, τ 0.1), batches of 256. */
    public static KnnMonitor of(Dataset bank, Dataset test, Options o) {
        return new KnnMonitor(bank, test, TrainData.normalize(o), Device.parse(o.device), Knn.DEFAULT_K, Knn.DEFAULT_TAU, 256, o.workers);
    }

    @Override
    public Map<String, Double> evaluate(SslMethod method, int epoch) {
        return Map.of("knn_acc", accuracy(method));
    }

    /** The kNN accuracy of {@code method}'s encoder now. */
    public double accuracy(SslMethod method) {
        Features b = Features.extract(method.encoder(), bank, transform, device, batchSize, workers);
        Features t = Features.extract(method.encoder(), test, transform, device, batchSize, workers);
        try {
            return Knn.accuracy(b.features(), b.labels(), t.features(), t.labels(), k, tau, bank.numClasses());
        } finally {
            b.features().release();
            t.features().release();
        }
    }
}
