package sslj.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root folder, for tests that read its sources and docs: the nearest folder above the working directory with docs/, tensor/ and pom.xml. */
public final class RepoRoot {
    private RepoRoot() { }

    public static Path find() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isDirectory(q.resolve("docs")) && Files.isDirectory(q.resolve("tensor")) && Files.isRegularFile(q.resolve("pom.xml"))) return q;
        }
        throw new IllegalStateException("no repository root (docs/, tensor/, pom.xml) above " + p);
    }
}
