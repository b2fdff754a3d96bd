package sslj.ssl.data;

import java.util.List;
import sslj.tensor.Tensor;

/**
 * One mini-batch: for each view a [B, C, H, W] tensor, the labels as a [B] float tensor, and the
 * dataset indices of the B samples (what a memory bank such as InstDisc's needs).
 *
 * @param number the batch's position in its epoch, from 0
 */
public record Batch(List<Tensor> views, Tensor labels, int[] indices, int epoch, int number) {

    /** The images of a single-view loader. */
    public Tensor images() {
        if (views.size() != 1) throw new IllegalStateException("images(): this batch has " + views.size() + " views; use view(i) or views()");
        return views.get(0);
    }

    public Tensor view(int i) { return views.get(i); }

    public int size() { return indices.length; }
}
