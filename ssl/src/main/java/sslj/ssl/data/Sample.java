package sslj.ssl.data;

/** One item of a {@link Dataset}: an image (CHW, [0, 1]) and its class label (−1 when unlabelled). */
public record Sample(Image image, int label) { }
