package sslj.ssl.method;

import java.util.ArrayList;
import java.util.List;
import sslj.autograd.Variable;
import sslj.nn.Linear;
import sslj.nn.MLP;
import sslj.nn.Module;
import sslj.nn.ReLU;
import sslj.nn.Sequential;
import sslj.nn.optim.LARS;
import sslj.nn.optim.Optimizer;
import sslj.nn.optim.ParamGroup;
import sslj.ssl.data.Batch;
import sslj.ssl.data.Compose;
import sslj.ssl.data.HorizontalFlip;
import sslj.ssl.data.MultiView;
import sslj.ssl.data.RandomCrop;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;
import sslj.tensor.Device;
import sslj.tensor.Generator;

/**
 * SimCLRv2, step 2 of 3 (Chen et al. 2020b, §2 "fine-tuning"): supervised fine-tuning on the labelled
 * subset (1% or 10% of the labels) from the projection head's FIRST layer. The pretrained encoder f and
 * the head's first block (Linear-BN-ReLU) are kept and trained; a linear classifier is added on that
 * block's output; the head's deeper layers are dropped:
 * <pre>
 *   logits = W_task · relu(BN(W¹ · f(x)))        loss = cross-entropy with the labels
 * </pre>
 * (The paper's §2 calls this fine-tuning "from the middle layer of the 3-layer head"; its Fig. 4 shows
 * it beats fine-tuning from f's output when labels are scarce.)
 *
 * <p>Defaults (paper Appendix B.2): LARS, lr 0.005·√B, no weight decay, only random crop and flip as
 * augmentation; 60 epochs on 1% of the labels, 30 on 10%. Parameter names: "encoder.*", "head.0.*"
 * (Linear), "head.1.*" (BN), "fc.*" — the kept layers under their pretraining names.
 */
public final class SimClrV2FineTune implements SslMethod {

    /** The fine-tuned network: encoder, the head's first block, the classifier. */
    public static final class Net extends Module {
        final Module encoder, head;
        final Linear fc;

        Net(Module encoder, Module firstBlock, int hidden, int classes, Generator gen) {
            this.encoder = registerModule("encoder", encoder);
            this.head = registerModule("head", firstBlock);
            this.fc = registerModule("fc", new Linear(hidden, classes, gen));
        }

        public Module encoder() { return encoder; }

        /** [N, C, H, W] → [N, classes]. */
        @Override public Variable forward(Variable x) { return fc.forward(head.forward(encoder.forward(x))); }
    }

    private final Net net;
    private final Device device;

    /**
     * Builds the fine-tuning network from a pretraining network ({@link SimClrV2#network}, weights
     * already loaded): its encoder and the head's first block are shared, not copied.
     */
    public SimClrV2FineTune(EncoderHead pretrained, int classes, Device device, Generator gen) {
        this.net = fromPretrained(pretrained, classes, gen);
        this.device = device;
        net.to(device);
    }

    /** The network of {@link #SimClrV2FineTune}: encoder + the head's first Linear(-BN)-ReLU + a classifier. */
    public static Net fromPretrained(EncoderHead pretrained, int classes, Generator gen) {
        MLP head = (MLP) pretrained.head();
        List<Module> first = new ArrayList<>();
        for (int i = 0; ; i++) {                 // the first block ends with the first ReLU
            Module m = head.get(i);
            first.add(m);
            if (m instanceof ReLU) break;
        }
        int hidden = ((Linear) first.get(0)).outFeatures();
        return new Net(pretrained.encoder(), new Sequential(first), hidden, classes, gen);
    }

    @Override public String name() { return "SimCLRv2-finetune"; }

    @Override public Net trainable() { return net; }

    @Override public Module encoder() { return net.encoder; }

    /** Random crop (padding 2, 4 px on 32 px images) and flip, standardised: the paper's fine-tuning augmentation. */
    @Override
    public MultiView augmentation(Options o, int side, int channels) { return views(o, side); }

    /** The fine-tuning (and distillation) augmentation. */
    public static MultiView views(Options o, int side) {
        return MultiView.of(Compose.of(new RandomCrop(side, side >= 32 ? 4 : 2), new HorizontalFlip(0.5), TrainData.normalize(o)), 1);
    }

    @Override
    public Optimizer optimizer(Options o) { return new LARS(ParamGroup.decayAndNoDecay(net), o.lr, o.weightDecay); }

    @Override
    public Variable loss(Batch b, Device dev, long step) {
        return net.forward(Variable.constant(b.images().to(device))).crossEntropy(b.labels().to(device));
    }
}
