package sslj.kernels.runtime;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import sslj.kernels.runtime.GpuLibraries.Failure;
import sslj.kernels.runtime.GpuLibraries.Library;

/**
 * The JCuda wiring of DESIGN.md section 3, checked on any machine: each binding (driver, cuBLAS, cuDNN,
 * cuRAND) either loads, or fails only because its CUDA library is absent from the machine; never
 * because the binding's own JNI library is missing under the core jcuda version (a build error).
 * On a machine without CUDA every binding gets as far as asking for its CUDA library.
 */
class GpuLibrariesTest {

    @ParameterizedTest
    @EnumSource(Library.class)
    void eachBindingsNativeIsOnTheClasspathUnderTheCoreVersion(Library library) {
        // Checked directly: JCuda reuses a copy already extracted to java.io.tmpdir, which could hide
        // a missing resource from the load test below.
        assertTrue(GpuLibraries.bindingNativeOnClasspath(library), "missing classpath resource " + library.bindingResource());
    }

    @ParameterizedTest
    @EnumSource(Library.class)
    void eachBindingLoadsOrFailsOnlyForItsCudaLibrary(Library library) {
        GpuLibraries.Status status = GpuLibraries.status(library);
        if (status.loaded()) return;                                      // a GPU machine with this library
        assertNotEquals(Failure.BINDING_NATIVE_MISSING, status.failure(), "JCuda version mismatch: " + status);
        assertEquals(Failure.CUDA_LIBRARY_MISSING, status.failure(), status.toString());
        String family = library.cudaSoname.substring(0, library.cudaSoname.indexOf(".so"));   // libcublas
        assertTrue(status.detail().startsWith(family), "expected the absence of " + family + "*, got: " + status);
    }

    @Test
    void summaryLineNamesEveryLibraryOnce() {
        String line = GpuLibraries.reportOnce();
        assertTrue(line.startsWith("GPU libraries: "), line);
        for (Library l : Library.values()) assertTrue(line.contains(l.displayName + " "), line);
        assertEquals(line, GpuLibraries.reportOnce(), "the probe runs once; later calls repeat its result");
    }

    // The classification rules, on the text that JCuda 12.6.0's LibUtils produces (captured on this
    // machine with a small main: see the GpuLibraries javadoc).

    @Test
    void missingCudaLibraryIsRecognised() {
        String text = "java.lang.UnsatisfiedLinkError: Error while loading native library \"JCublas2-12.6.0-linux-x86_64\"\n"
                + "Stack trace from the attempt to load the library as a file:\n"
                + "java.lang.UnsatisfiedLinkError: no JCublas2-12.6.0-linux-x86_64 in java.library.path: /usr/lib\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCublas2-12.6.0-linux-x86_64.so: libcublas.so.12: cannot open shared object file: No such file or directory";
        GpuLibraries.Status s = GpuLibraries.classify(Library.CUBLAS, text);
        assertEquals(Failure.CUDA_LIBRARY_MISSING, s.failure());
        assertEquals("cuBLAS no (libcublas.so.12 not found)", s.toString());
    }

    @Test
    void missingBindingNativeIsAVersionMismatch() {
        String text = "java.lang.UnsatisfiedLinkError: Error while loading native library \"JCurand-12.6.0-linux-x86_64\"\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.io.IOException: No resource found with name '/lib/libJCurand-12.6.0-linux-x86_64.so'";
        GpuLibraries.Status s = GpuLibraries.classify(Library.CURAND, text);
        assertEquals(Failure.BINDING_NATIVE_MISSING, s.failure());
        assertTrue(s.detail().contains("libJCurand-12.6.0-linux-x86_64.so"), s.detail());
        assertTrue(s.detail().contains("version mismatch"), s.detail());
    }

    @Test
    void undefinedSymbolIsACudaLibraryVersionMismatch() {
        String text = "java.lang.UnsatisfiedLinkError: /tmp/libJCudnn-12.6.0-linux-x86_64.so: undefined symbol: cudnnGetConvolutionForwardAlgorithm";
        GpuLibraries.Status s = GpuLibraries.classify(Library.CUDNN, text);
        assertEquals(Failure.SYMBOL_MISSING, s.failure());
        assertTrue(s.detail().contains("libcudnn.so.9 lacks cudnnGetConvolutionForwardAlgorithm"), s.detail());
    }

    @Test
    void aSecondTouchOfAFailedClassIsClassifiedByItsCause() {
        Throwable first = new UnsatisfiedLinkError("/tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file");
        Throwable second = new NoClassDefFoundError("Could not initialize class jcuda.driver.JCudaDriver");
        second.initCause(new ExceptionInInitializerError("Exception " + first + " [in thread \"main\"]"));
        GpuLibraries.Status s = GpuLibraries.classify(Library.DRIVER, second);
        assertEquals(Failure.CUDA_LIBRARY_MISSING, s.failure());
        assertEquals("libcuda.so.1 not found", s.detail());
    }
}
