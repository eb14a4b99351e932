#ifndef PERISCOPE_COMPRESSION_H
#define PERISCOPE_COMPRESSION_H

#include <stddef.h>
#include <stdint.h>

/// gzip (RFC 1952) of `input` with zlib's deflate, into a malloc'ed buffer the caller frees.
/// Returns 0, or a zlib error code (negative) with *output NULL.
int periscope_gzip(const uint8_t *input, size_t input_len, uint8_t **output, size_t *output_len);

/// Inflates a gzip or zlib stream (tests read pprof and PNG data back). Refuses output beyond max_output.
int periscope_gunzip(const uint8_t *input, size_t input_len, size_t max_output, uint8_t **output, size_t *output_len);

/// Raw deflate (RFC 1951, no header or checksum: the recorder's sample blocks are small and
/// SQLite pages carry their own integrity) of `input` at `level` (0-9), into a malloc'ed buffer
/// the caller frees. Returns 0, or a zlib error code (negative) with *output NULL.
int periscope_deflate_raw(const uint8_t *input, size_t input_len, int level, uint8_t **output, size_t *output_len);

/// Inflates raw deflate data into `output`, which must hold exactly `expected_len` bytes.
/// Returns 0, or a zlib error code (Z_DATA_ERROR for corrupt or short data).
int periscope_inflate_raw(const uint8_t *input, size_t input_len, uint8_t *output, size_t expected_len);

/// Decodes an .xz stream (MiniDebugInfo's .gnu_debugdata) with liblzma, refusing output
/// beyond max_output bytes and using at most 64 MiB of decoder memory.
/// Returns 0, or an lzma_ret code with *output NULL.
int periscope_xz_decode(const uint8_t *input, size_t input_len, size_t max_output, uint8_t **output, size_t *output_len);

/// Continues zlib's CRC-32 (the checksum `.gnu_debuglink` stores) over length bytes; start at 0.
uint32_t periscope_crc32(uint32_t crc, const uint8_t *data, size_t length);

/// Itanium C++ ABI demangling through libstdc++'s __cxa_demangle. Returns a malloc'ed string
/// the caller frees, or NULL when `mangled` is not a valid C++ name.
char *periscope_cxx_demangle(const char *mangled);

#endif
