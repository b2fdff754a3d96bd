package sslj.ssl.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.nn.Module;
import sslj.nn.SafeTensors;
import sslj.ssl.data.Batch;
import sslj.ssl.data.DataLoader;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.Image;
import sslj.ssl.data.Transform;
import sslj.tensor.Device;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * A dataset's feature vectors, computed once: a CPU [N, D] tensor, the N labels and the number of
 * classes. What the linear probe and the kNN evaluation read; the encoder never runs again after
 * {@link #extract}.
 */
public record Features(Tensor x, int[] labels, int numClasses) {

    public Features {
        if (x.dim() != 2 || x.size(0) != labels.length) {
            throw new IllegalArgumentException("Features: " + labels.length + " labels for features of shape " + java.util.Arrays.toString(x.shape()));
        }
    }

    public int size() { return labels.length; }

    public int dim() { return x.size(1); }

    /**
     * The encoder's pooled features of every image of {@code data} after {@code transform} (the
     * standardisation; no augmentation), in eval mode (batch-norm running statistics) without a
     * graph, one {@link TensorScope} per batch so that a GPU frees each batch's activations.
     */
    @SuppressWarnings("try")
    public static Features extract(Module encoder, Dataset data, Transform transform, Device device, int batchSize, int workers) {
        boolean wasTraining = encoder.isTraining();
        encoder.eval();
        float[] out = null;
        int dim = -1;
        int[] labels = new int[data.size()];
        try (NoGrad ignored = NoGrad.enter();
             DataLoader loader = DataLoader.builder(data).batchSize(batchSize).transform(transform).workers(workers).build();
             DataLoader.Epoch it = loader.epoch(0)) {
            while (it.hasNext()) {
                Batch b = it.next();
                float[] f;
                try (TensorScope scope = TensorScope.open()) {
                    Tensor y = encoder.forward(Variable.constant(b.images().to(device))).data();
                    if (y.dim() != 2) throw new IllegalStateException("encoder output has shape " + java.util.Arrays.toString(y.shape()) + ", expected [N, D]");
                    if (dim < 0) {
                        dim = y.size(1);
                        out = new float[Math.multiplyExact(data.size(), dim)];
                    }
                    f = y.toFloatArray();
                }
                float[] lab = b.labels().toFloatArray();
                int[] idx = b.indices();
                for (int r = 0; r < idx.length; r++) {
                    System.arraycopy(f, r * dim, out, idx[r] * dim, dim);
                    labels[idx[r]] = (int) lab[r];
                }
            }
        } finally {
            encoder.train(wasTraining);
        }
        return new Features(Tensor.of(out, data.size(), dim), labels, data.numClasses());
    }

    /** The raw-pixel baseline: every image after {@code transform}, flattened to C·H·W numbers. */
    public static Features pixels(Dataset data, Transform transform) {
        float[] out = null;
        int dim = -1;
        int[] labels = new int[data.size()];
        for (int i = 0; i < data.size(); i++) {
            var s = data.get(i);
            Image img = transform == null ? s.image() : transform.apply(s.image(), null);
            if (dim < 0) {
                dim = img.data().length;
                out = new float[Math.multiplyExact(data.size(), dim)];
            }
            System.arraycopy(img.data(), 0, out, i * dim, dim);
            labels[i] = s.label();
        }
        return new Features(Tensor.of(out, data.size(), dim), labels, data.numClasses());
    }

    /** The per-dimension mean and standard deviation of these features (what {@link #standardize} uses). */
    public Tensor[] moments() {
        Tensor mean = x.mean(new int[] {0}, true);
        Tensor std = x.var(new int[] {0}, 0, true).add(1e-6f).sqrt();
        return new Tensor[] {mean, std};
    }

    /** (x − mean) / std per dimension, with the moments of the training features for both splits. */
    public Features standardize(Tensor[] moments) {
        return new Features(x.sub(moments[0]).div(moments[1]), labels, numClasses);
    }

    // ---------------------------------------------------------------- cache file

    /** Saves the features and labels as safetensors ("features" [N, D], "labels" [N] as floats). */
    public void save(Path file) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        float[] lab = new float[labels.length];
        for (int i = 0; i < lab.length; i++) lab[i] = labels[i];
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("features", x);
        t.put("labels", Tensor.of(lab, lab.length));
        SafeTensors.save(file, t, Map.of("num_classes", Integer.toString(numClasses)));
    }

    /** Reads what {@link #save} wrote. */
    public static Features load(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        Tensor x = c.tensors().get("features"), lab = c.tensors().get("labels");
        String classes = c.metadata().get("num_classes");
        if (x == null || lab == null || classes == null) {
            throw new IOException(file + ": not a feature cache (needs tensors 'features' and 'labels' and metadata 'num_classes')");
        }
        float[] l = lab.toFloatArray();
        int[] labels = new int[l.length];
        for (int i = 0; i < l.length; i++) labels[i] = (int) l[i];
        return new Features(x, labels, Integer.parseInt(classes));
    }
}
