package sslj.ssl.train;

import java.util.Map;
import sslj.ssl.method.SslMethod;

/**
 * Something measured once per epoch on the method's encoder (a kNN accuracy, collapse statistics),
 * returning named numbers for the epoch log and the metrics file.
 */
public interface EpochMonitor {
    Map<String, Double> evaluate(SslMethod method, int epoch);
}
