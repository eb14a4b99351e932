#include "CLinuxSupport.h"

#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

// Deflates the whole input into one malloc'd buffer (freed by the caller) with the given
// window bits (gzip, raw) and memory level; `slack` is room beyond deflateBound.
static int deflate_whole(const uint8_t *input, size_t input_len, int level, int window_bits, int mem_level,
                         size_t slack, uint8_t **output, size_t *output_len) {
    *output = NULL;
    *output_len = 0;
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    int status = deflateInit2(&stream, level, Z_DEFLATED, window_bits, mem_level, Z_DEFAULT_STRATEGY);
    if (status != Z_OK) return status;
    size_t capacity = deflateBound(&stream, (uLong)input_len) + slack;
    uint8_t *buffer = malloc(capacity);
    if (buffer == NULL) {
        deflateEnd(&stream);
        return Z_MEM_ERROR;
    }
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)input_len;
    stream.next_out = buffer;
    stream.avail_out = (uInt)capacity;
    status = deflate(&stream, Z_FINISH);
    size_t produced = capacity - stream.avail_out;
    deflateEnd(&stream);
    if (status != Z_STREAM_END) {
        free(buffer);
        return status == Z_OK ? Z_BUF_ERROR : status;
    }
    *output = buffer;
    *output_len = produced;
    return 0;
}

int periscope_gzip(const uint8_t *input, size_t input_len, uint8_t **output, size_t *output_len) {
    // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
    return deflate_whole(input, input_len, Z_DEFAULT_COMPRESSION, 15 + 16, 8, 32, output, output_len);
}

int periscope_gunzip(const uint8_t *input, size_t input_len, size_t max_output, uint8_t **output, size_t *output_len) {
    *output = NULL;
    *output_len = 0;
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    // 15 + 32: accept gzip and zlib headers alike (pprof files, PNG image data in tests).
    int status = inflateInit2(&stream, 15 + 32);
    if (status != Z_OK) return status;
    size_t capacity = input_len * 4 + 1024;
    if (capacity > max_output) capacity = max_output;
    uint8_t *buffer = malloc(capacity);
    if (buffer == NULL) {
        inflateEnd(&stream);
        return Z_MEM_ERROR;
    }
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)input_len;
    size_t produced = 0;
    for (;;) {
        stream.next_out = buffer + produced;
        stream.avail_out = (uInt)(capacity - produced);
        status = inflate(&stream, Z_NO_FLUSH);
        produced = capacity - stream.avail_out;
        if (status == Z_STREAM_END) break;
        if (status != Z_OK && status != Z_BUF_ERROR) break;
        if (stream.avail_out == 0) {
            if (capacity >= max_output) { status = Z_BUF_ERROR; break; }
            size_t bigger = capacity * 2 > max_output ? max_output : capacity * 2;
            uint8_t *grown = realloc(buffer, bigger);
            if (grown == NULL) { status = Z_MEM_ERROR; break; }
            buffer = grown;
            capacity = bigger;
        } else if (status == Z_BUF_ERROR) {
            break;  // truncated input
        }
    }
    inflateEnd(&stream);
    if (status != Z_STREAM_END) {
        free(buffer);
        return status == Z_OK ? Z_DATA_ERROR : status;
    }
    *output = buffer;
    *output_len = produced;
    return 0;
}

int periscope_xz_decode(const uint8_t *input, size_t input_len, size_t max_output, uint8_t **output, size_t *output_len) {
    *output = NULL;
    *output_len = 0;
    lzma_stream stream = LZMA_STREAM_INIT;
    lzma_ret status = lzma_stream_decoder(&stream, 64u << 20, 0);
    if (status != LZMA_OK) return (int)status;
    size_t capacity = input_len * 4 + 4096;
    if (capacity > max_output) capacity = max_output;
    uint8_t *buffer = malloc(capacity);
    if (buffer == NULL) {
        lzma_end(&stream);
        return LZMA_MEM_ERROR;
    }
    stream.next_in = input;
    stream.avail_in = input_len;
    size_t produced = 0;
    for (;;) {
        stream.next_out = buffer + produced;
        stream.avail_out = capacity - produced;
        status = lzma_code(&stream, LZMA_FINISH);
        produced = capacity - stream.avail_out;
        if (status == LZMA_STREAM_END) break;
        if (status != LZMA_OK && status != LZMA_BUF_ERROR) break;
        if (stream.avail_out == 0) {
            if (capacity >= max_output) { status = LZMA_BUF_ERROR; break; }
            size_t bigger = capacity * 2 > max_output ? max_output : capacity * 2;
            uint8_t *grown = realloc(buffer, bigger);
            if (grown == NULL) { status = LZMA_MEM_ERROR; break; }
            buffer = grown;
            capacity = bigger;
        } else if (status == LZMA_BUF_ERROR) {
            break;  // truncated input
        }
    }
    lzma_end(&stream);
    if (status != LZMA_STREAM_END) {
        free(buffer);
        return status == LZMA_OK ? LZMA_DATA_ERROR : (int)status;
    }
    *output = buffer;
    *output_len = produced;
    return 0;
}

uint32_t periscope_crc32(uint32_t crc, const uint8_t *data, size_t length) {
    /* zlib's crc32 takes a uInt length: feed large buffers in pieces. */
    while (length > 0) {
        uInt piece = length > (1u << 30) ? (1u << 30) : (uInt)length;
        crc = (uint32_t)crc32(crc, data, piece);
        data += piece;
        length -= piece;
    }
    return crc;
}

int periscope_deflate_raw(const uint8_t *input, size_t input_len, int level, uint8_t **output, size_t *output_len) {
    // windowBits -15: raw deflate, no zlib header or adler32 (6 bytes saved per block).
    return deflate_whole(input, input_len, level, -15, 9, 16, output, output_len);
}

int periscope_inflate_raw(const uint8_t *input, size_t input_len, uint8_t *output, size_t expected_len) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    int status = inflateInit2(&stream, -15);
    if (status != Z_OK) return status;
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)input_len;
    stream.next_out = output;
    stream.avail_out = (uInt)expected_len;
    status = inflate(&stream, Z_FINISH);
    size_t produced = expected_len - stream.avail_out;
    inflateEnd(&stream);
    if (status != Z_STREAM_END || produced != expected_len) return status == Z_STREAM_END || status == Z_OK || status == Z_BUF_ERROR ? Z_DATA_ERROR : status;
    return 0;
}
