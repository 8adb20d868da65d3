package io.github.amsjobmonitor.ams;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

/**
 * A cap on the size of every AMS answer ({@code ams.max-answer-size}), installed on camel-http's client
 * ({@code camel.component.http.http-client-configurer}). AMS returns at most 1000 entities per query and the
 * monitor asks for at most {@code monitor.batch.max-jobs} jobs or one job's tasks per request, so an answer
 * beyond the cap is not one AMS meant to send: it is refused as an {@link AmsAnswerInvalidException}, the
 * same as any other answer the monitor cannot read.
 *
 * <p>The cap is enforced while the body streams in, before it is copied into memory or a spool
 * file: an answer that declares a larger Content-Length is refused unread, and one without a length is cut
 * off at the first byte past the cap. It sits outermost in the client's chain, so it counts the bytes after
 * gzip decompression (a small compressed answer cannot unpack into gigabytes). The exception is unchecked on
 * purpose: AmsClient turns an IOException into "AMS did not answer" (retried at once), and an oversized
 * answer is not that.
 */
public class AmsAnswerSizeCap implements HttpClientConfigurer {

    private final long maxBytes;

    public AmsAnswerSizeCap(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("the answer size cap must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addExecInterceptorFirst("ams-answer-size-cap", (request, scope, chain) -> capped(chain.proceed(request, scope)));
    }

    ClassicHttpResponse capped(ClassicHttpResponse response) throws IOException {
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            return response;
        }
        if (entity.getContentLength() > maxBytes) {
            // closing without reading the body drops the connection rather than draining it
            response.close();
            throw tooLarge("the answer is " + entity.getContentLength() + " bytes long, more than");
        }
        response.setEntity(new HttpEntityWrapper(entity) {
            @Override
            public InputStream getContent() throws IOException {
                return new CappedStream(super.getContent());
            }
        });
        return response;
    }

    private AmsAnswerInvalidException tooLarge(String what) {
        return new AmsAnswerInvalidException(what + " ams.max-answer-size allows (" + maxBytes + " bytes)");
    }

    /** Counts what is read and fails at the first byte past the cap. */
    private final class CappedStream extends FilterInputStream {

        private long read;

        CappedStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > maxBytes) {
                throw tooLarge("the answer is longer than");
            }
        }
    }
}
