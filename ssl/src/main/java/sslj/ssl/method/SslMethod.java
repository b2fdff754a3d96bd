package sslj.ssl.method;

import java.util.Map;
import sslj.autograd.Variable;
import sslj.nn.Module;
import sslj.nn.optim.Optimizer;
import sslj.ssl.data.Batch;
import sslj.ssl.data.MultiView;
import sslj.ssl.train.Options;
import sslj.tensor.Device;
import sslj.tensor.Tensor;

/**
 * A self-supervised method: which networks it trains, which views it needs, and its loss. The
 * {@link sslj.ssl.train.SslTrainer} owns everything else (data, optimiser steps, schedules, logs,
 * checkpoints, monitors), so a method class reads as the paper's algorithm box and nothing more.
 *
 * <p>Per step the trainer calls {@link #loss} (inside a step {@link sslj.tensor.TensorScope}), then
 * backward and the optimiser step, then {@link #afterStep} (still inside the scope, under NoGrad) for
 * what a method updates outside the gradient: the momentum encoder's EMA, the queue, the memory bank.
 * State that outlives a step must therefore be updated in place ({@code copy_}, the fused in-place
 * ops) in tensors created outside step scopes — typically in the method's constructor.
 */
public interface SslMethod {
    /** The name in logs, e.g. "SimCLR". */
    String name();

    /** The module holding every parameter the optimiser trains (encoder, heads, predictor, logit scale). */
    Module trainable();

    /** The backbone whose pooled features [N, F] are evaluated (kNN monitor, linear probe). */
    Module encoder();

    /** The views this method draws from each image (normalisation included), from the run's options. */
    MultiView augmentation(Options o, int side, int channels);

    /** The optimiser, with the paper's choice and parameter groups (e.g. LARS without decay on BN and biases). */
    Optimizer optimizer(Options o);

    /** This step's loss on a batch (views on the CPU: move them with {@code .to(device)}). */
    Variable loss(Batch batch, Device device, long step);

    /** After the optimiser step: EMA of the target network, queue update, memory-bank update. */
    default void afterStep(long step, long totalSteps) { }

    /** What the method keeps besides the trained parameters (target network, queue and pointer, bank), for checkpoints. */
    default Map<String, Tensor> state() { return Map.of(); }

    /** Restores {@link #state()} (same names and shapes). */
    default void loadState(Map<String, Tensor> state) { }
}
