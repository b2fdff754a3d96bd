package sslj.ssl.train;

import java.util.ArrayList;
import java.util.List;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.nn.Module;
import sslj.ssl.data.Batch;
import sslj.ssl.data.DataLoader;
import sslj.ssl.data.Dataset;
import sslj.ssl.data.Transform;
import sslj.tensor.Device;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * An encoder's features of a whole dataset, in dataset order: what the kNN monitor, the linear probe
 * and the collapse statistics start from. Runs the encoder in eval mode (batch-norm running
 * statistics) under {@link NoGrad}, and restores the encoder's training flag afterwards.
 *
 * @param features [N, F] on the encoder's device
 * @param labels   the N labels
 */
public record Features(Tensor features, int[] labels) {

    /** Features of every image of {@code data} after {@code transform} (typically just the standardisation). */
    @SuppressWarnings("try")
    public static Features extract(Module encoder, Dataset data, Transform transform, Device device, int batchSize, int workers) {
        boolean wasTraining = encoder.isTraining();
        encoder.eval();
        List<Tensor> parts = new ArrayList<>();
        int[] labels = new int[data.size()];
        int seen = 0;
        try (NoGrad g = NoGrad.enter();
             DataLoader loader = DataLoader.builder(data).batchSize(batchSize).transform(transform).shuffle(false).dropLast(false).workers(workers).build();
             DataLoader.Epoch it = loader.epoch(0)) {
            while (it.hasNext()) {
                Batch b = it.next();
                try (TensorScope scope = TensorScope.open()) {
                    parts.add(scope.keep(encoder.forward(Variable.constant(b.images().to(device))).data().contiguous()));
                }
                for (float l : b.labels().toFloatArray()) labels[seen++] = (int) l;
            }
        } finally {
            encoder.train(wasTraining);
        }
        Tensor all = parts.size() == 1 ? parts.get(0) : Tensor.cat(0, parts);
        if (parts.size() > 1) parts.forEach(Tensor::release);
        return new Features(all, labels);
    }
}
