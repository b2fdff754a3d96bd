package sslj.ssl.train;

import java.util.List;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.MultiView;
import sslj.ssl.method.SslMethod;
import sslj.tensor.Device;

/**
 * The epoch monitors every SSL main runs: the kNN accuracy of the encoder (bank = the training
 * images of the run, un-augmented; queries = the test split) and the collapse statistics on the
 * first {@value #COLLAPSE_SAMPLE} training images under the method's own two views (a one-view method,
 * InstDisc, gets two draws of its one pipeline: alignment is between two augmentations of an image).
 */
public final class Monitors {
    public static final int COLLAPSE_SAMPLE = 512;

    private Monitors() { }

    public static List<EpochMonitor> standard(Options o, SslMethod method, Dataset train, Dataset test) {
        int channels = TrainData.channels(o), side = TrainData.side(o);
        Dataset sample = TrainData.firstN(train, Math.min(COLLAPSE_SAMPLE, train.size()));
        MultiView views = method.augmentation(o, side, channels);
        if (views.views() == 1) views = MultiView.of(views.pipeline(0), 2);
        return List.of(KnnMonitor.of(train, test, o),
                new CollapseMonitor(sample, views, Device.parse(o.device), o.seed ^ 0xC011A95EL, 256));
    }
}
