package sslj.ssl.data;

import java.util.ArrayList;
import java.util.List;
import sslj.tensor.Generator;

/**
 * Several augmented views of one image, each from its own pipeline: the "two correlated views" of
 * SimCLR (the same pipeline twice) or BYOL's asymmetric pair (view 1 always blurred, view 2 rarely
 * blurred and sometimes solarised). The views are drawn one after another from the same generator.
 */
public final class MultiView {
    private final List<Transform> pipelines;

    public MultiView(List<Transform> pipelines) {
        if (pipelines.isEmpty()) throw new IllegalArgumentException("MultiView: need at least one view");
        this.pipelines = List.copyOf(pipelines);
    }

    /** {@code n} views from the same pipeline. */
    public static MultiView of(Transform pipeline, int n) {
        List<Transform> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(pipeline);
        return new MultiView(l);
    }

    public static MultiView of(Transform... pipelines) { return new MultiView(List.of(pipelines)); }

    public int views() { return pipelines.size(); }

    public Transform pipeline(int view) { return pipelines.get(view); }

    public List<Image> apply(Image image, Generator gen) {
        List<Image> out = new ArrayList<>(pipelines.size());
        for (Transform t : pipelines) out.add(t.apply(image, gen));
        return out;
    }

    @Override
    public String toString() { return "MultiView" + pipelines; }
}
