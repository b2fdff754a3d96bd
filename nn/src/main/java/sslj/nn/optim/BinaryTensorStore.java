package sslj.nn.optim;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;

/**
 * A small, self-describing tensor file (big-endian, as {@link DataOutputStream} writes):
 * <pre>
 *   "SSLJTNS1"                     8 ASCII bytes, the magic and version
 *   int    count                   number of tensors
 *   count × {
 *     UTF  name                    modified UTF-8 with a 2-byte length (DataOutputStream.writeUTF)
 *     int  rank, int[rank] dims
 *     float[numel] values          row-major
 *   }
 * </pre>
 * Written to a temporary file and moved into place, so a crash never leaves half a file under the
 * real name. Reading checks the magic, the sizes and the end of the file, and names the file in
 * every error.
 */
public final class BinaryTensorStore implements TensorStore {
    private static final byte[] MAGIC = "SSLJTNS1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int MAX_RANK = 16;

    @Override
    public String extension() { return "tensors"; }

    @Override
    public void write(Path file, Map<String, Tensor> tensors) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
            out.write(MAGIC);
            out.writeInt(tensors.size());
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                int[] shape = e.getValue().shape();
                out.writeUTF(e.getKey());
                out.writeInt(shape.length);
                for (int d : shape) out.writeInt(d);
                for (float v : e.getValue().toFloatArray()) out.writeFloat(v);
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public Map<String, Tensor> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such tensor file");
        long size = Files.size(file);
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) throw new IOException(file + ": not an sslj tensor file (bad magic; expected SSLJTNS1)");
            int count = in.readInt();
            if (count < 0) throw new IOException(file + ": corrupt header: negative tensor count " + count);
            for (int n = 0; n < count; n++) {
                String name = in.readUTF();
                int rank = in.readInt();
                if (rank < 0 || rank > MAX_RANK) throw new IOException(file + ": corrupt entry '" + name + "': rank " + rank);
                int[] shape = new int[rank];
                long numel = 1;
                for (int i = 0; i < rank; i++) {
                    shape[i] = in.readInt();
                    if (shape[i] < 0) throw new IOException(file + ": corrupt entry '" + name + "': negative size in " + Shape.str(shape));
                    numel *= shape[i];
                }
                if (numel * 4 > size) throw new IOException(file + ": corrupt entry '" + name + "': shape " + Shape.str(shape) + " needs more bytes than the file holds");
                float[] values = new float[(int) numel];
                for (int i = 0; i < values.length; i++) values[i] = in.readFloat();
                if (out.put(name, Tensor.of(values, shape)) != null) throw new IOException(file + ": tensor '" + name + "' appears twice");
            }
            if (in.read() != -1) throw new IOException(file + ": unexpected data after the last of " + count + " tensors");
        } catch (EOFException e) {
            throw new IOException(file + ": truncated (ends after " + out.size() + " complete tensors)", e);
        } catch (UTFDataFormatException e) {
            throw new IOException(file + ": corrupt tensor name after " + out.size() + " complete tensors", e);
        }
        return out;
    }
}
