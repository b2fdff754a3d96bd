package sslj.ssl.data;

import java.util.Arrays;

/**
 * One image as float32 in CHW order (channel planes, then rows, then columns), values in [0, 1]
 * until a {@link Normalize} moves them. Pixel (c, y, x) is {@code data[(c * height + y) * width + x]}.
 * Treat an Image as immutable: transforms return a new image (or their input, when they change
 * nothing) and never write into the array of their input.
 */
public record Image(float[] data, int channels, int height, int width) {

    public Image {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image shape must be positive, got " + channels + "x" + height + "x" + width);
        }
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException(data.length + " values do not fill a " + channels + "x" + height + "x" + width + " image");
        }
    }

    /** A zero image of the given shape. */
    public static Image zeros(int channels, int height, int width) {
        return new Image(new float[channels * height * width], channels, height, width);
    }

    /** The [C, H, W] shape. */
    public int[] shape() { return new int[] {channels, height, width}; }

    public int plane() { return height * width; }

    public float get(int c, int y, int x) { return data[(c * height + y) * width + x]; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Image im && im.channels == channels && im.height == height && im.width == width
                && Arrays.equals(im.data, data);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(data) * 31 + Arrays.hashCode(shape()); }

    @Override
    public String toString() { return "Image[" + channels + "x" + height + "x" + width + "]"; }
}
