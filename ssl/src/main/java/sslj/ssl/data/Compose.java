package sslj.ssl.data;

import java.util.List;
import sslj.tensor.Generator;

/** Transforms applied one after another (torchvision.transforms.Compose). */
public final class Compose implements Transform {
    private final List<Transform> steps;

    public Compose(List<Transform> steps) { this.steps = List.copyOf(steps); }

    public static Compose of(Transform... steps) { return new Compose(List.of(steps)); }

    public List<Transform> steps() { return steps; }

    @Override
    public Image apply(Image image, Generator gen) {
        for (Transform t : steps) image = t.apply(image, gen);
        return image;
    }

    @Override
    public String toString() { return "Compose" + steps; }
}
