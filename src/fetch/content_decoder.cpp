// Content-Encoding decoding: the one-shot libdeflate path and the streaming
// path that mirrors libcurl 7.88's content_encoding.c (see the header).
#include "fetch/content_decoder.h"

#include <brotli/decode.h>
#include <curl/curl.h>
#include <libdeflate.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/text.h"

namespace trawl {
namespace {

// libcurl's DSIZ: each streaming stage hands on at most this much at a time.
constexpr size_t kChunkBytes = 16384;

// What libcurl 7.88 says when a coding it does not know reaches the body.
constexpr std::string_view kUnknownCodingMessage =
    "Unrecognized content encoding type. libcurl understands deflate, gzip, br, zstd content "
    "encodings.";

enum class Coding { kIdentity, kGzip, kDeflate, kBrotli, kZstd, kUnknown };

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// libcurl's names and aliases (find_encoding).
Coding CodingNamed(std::string_view name) {
  if (EqualsIgnoreAsciiCase(name, "identity") || EqualsIgnoreAsciiCase(name, "none"))
    return Coding::kIdentity;
  if (EqualsIgnoreAsciiCase(name, "gzip") || EqualsIgnoreAsciiCase(name, "x-gzip"))
    return Coding::kGzip;
  if (EqualsIgnoreAsciiCase(name, "deflate")) return Coding::kDeflate;
  if (EqualsIgnoreAsciiCase(name, "br")) return Coding::kBrotli;
  if (EqualsIgnoreAsciiCase(name, "zstd")) return Coding::kZstd;
  return Coding::kUnknown;
}

uint32_t LoadLe32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

// One decompressor per thread: allocating one costs more than decoding a
// small page, and the fetcher runs one transfer at a time per thread.
libdeflate_decompressor* Decompressor() {
  struct Holder {
    libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    ~Holder() { libdeflate_free_decompressor(d); }
  };
  thread_local Holder holder;
  return holder.d;
}

}  // namespace

// ===== the streaming stages ================================================

class ContentDecoder::Stage {
 public:
  Stage(ContentDecoder& decoder, size_t index, Coding coding)
      : decoder_(decoder), index_(index), coding_(coding) {}
  virtual ~Stage() = default;
  Coding coding() const { return coding_; }
  // Undoes this coding over the next input bytes and hands the output on.
  // Returns false when this or a later stage failed or the sink refused.
  virtual bool Write(const char* data, size_t len) = 0;

 protected:
  // Hands decoded bytes to the next stage, or to the sink after the last.
  bool Down(const char* data, size_t len) { return decoder_.Emit(index_, data, len); }
  bool Fail(CURLcode code, std::string message = {}) {
    return decoder_.Fail(static_cast<int>(code), std::move(message));
  }

 private:
  ContentDecoder& decoder_;
  size_t index_;
  Coding coding_;
};

namespace {

using Stage = ContentDecoder::Stage;

class IdentityStage final : public Stage {
 public:
  using Stage::Stage;
  bool Write(const char* data, size_t len) override { return Down(data, len); }
};

class UnknownStage final : public Stage {
 public:
  using Stage::Stage;
  bool Write(const char*, size_t) override {
    return Fail(CURLE_BAD_CONTENT_ENCODING, std::string(kUnknownCodingMessage));
  }
};

// gzip and deflate as libcurl 7.88 undoes them (inflate_stream and friends):
// gzip lets zlib detect a gzip or zlib header; deflate expects a zlib header
// and, when the first input fails, retries it as raw deflate with up to four
// trailer bytes tolerated; any byte after the end of the stream is an error.
class ZlibStage final : public Stage {
 public:
  ZlibStage(ContentDecoder& decoder, size_t index, Coding coding) : Stage(decoder, index, coding) {}
  ~ZlibStage() override {
    if (state_ != State::kUninit) inflateEnd(&z_);
  }

  bool Write(const char* data, size_t len) override {
    if (!initialized_) Init();
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));  // zlib only reads
    z_.avail_in = static_cast<uInt>(len);
    if (coding() == Coding::kGzip) {
      if (state_ == State::kInitGzip) return Inflate(State::kInitGzip);
      return Exit(CURLE_WRITE_ERROR);
    }
    if (state_ == State::kExternalTrailer) return Trailer();
    return Inflate(State::kInflating);
  }

 private:
  enum class State { kUninit, kInit, kInflating, kExternalTrailer, kInitGzip };

  void Init() {
    initialized_ = true;
    if (coding() == Coding::kGzip) {
      if (inflateInit2(&z_, MAX_WBITS + 32) == Z_OK) state_ = State::kInitGzip;
    } else if (inflateInit(&z_) == Z_OK) {
      state_ = State::kInit;
    }
  }

  // exit_zlib: ends zlib; reports `code` unless it is CURLE_OK.
  bool Exit(CURLcode code, std::string message = {}) {
    if (state_ != State::kUninit) {
      inflateEnd(&z_);
      state_ = State::kUninit;
    }
    return code == CURLE_OK ? true : Fail(code, std::move(message));
  }

  std::string ZlibError() const {
    return std::string("Error while processing content unencoding: ") +
           (z_.msg ? z_.msg : "Unknown failure within decompression software.");
  }

  // process_trailer: consumes the tolerated trailer bytes.
  bool Trailer() {
    uInt len = std::min<uInt>(z_.avail_in, trailer_len_);
    trailer_len_ -= len;
    z_.avail_in -= len;
    z_.next_in += len;
    if (z_.avail_in) return Exit(CURLE_WRITE_ERROR);
    if (!trailer_len_) return Exit(CURLE_OK);
    state_ = State::kExternalTrailer;
    return true;
  }

  bool Inflate(State started) {
    uInt nread = z_.avail_in;
    Bytef* orig_in = z_.next_in;
    if (state_ != State::kInit && state_ != State::kInflating && state_ != State::kInitGzip) {
      return Exit(CURLE_WRITE_ERROR);
    }
    bool done = false;
    bool ok = true;
    while (!done && ok) {
      done = true;
      z_.next_out = reinterpret_cast<Bytef*>(out_);
      z_.avail_out = kChunkBytes;
      int status = inflate(&z_, Z_BLOCK);
      if (z_.avail_out != kChunkBytes && (status == Z_OK || status == Z_STREAM_END)) {
        state_ = started;
        if (!Down(out_, kChunkBytes - z_.avail_out)) {
          Exit(CURLE_OK);  // the failure is already recorded downstream
          return false;
        }
      }
      switch (status) {
        case Z_OK:
          done = false;  // zlib may hold back output
          break;
        case Z_BUF_ERROR:
          break;
        case Z_STREAM_END:
          ok = Trailer();
          break;
        case Z_DATA_ERROR:
          // Servers that send raw deflate as "deflate": retry the first input raw.
          if (state_ == State::kInit) {
            inflateEnd(&z_);
            if (inflateInit2(&z_, -MAX_WBITS) == Z_OK) {
              z_.next_in = orig_in;
              z_.avail_in = nread;
              state_ = State::kInflating;
              trailer_len_ = 4;
              done = false;
              break;
            }
            state_ = State::kUninit;
          }
          ok = Exit(CURLE_BAD_CONTENT_ENCODING, ZlibError());
          break;
        default:
          ok = Exit(CURLE_BAD_CONTENT_ENCODING, ZlibError());
          break;
      }
    }
    if (nread && state_ == State::kInit) state_ = started;  // cannot restart raw any more
    return ok;
  }

  z_stream z_{};
  bool initialized_ = false;
  State state_ = State::kUninit;
  uInt trailer_len_ = 0;
  char out_[kChunkBytes];
};

// br as libcurl 7.88 undoes it (brotli_unencode_write).
class BrotliStage final : public Stage {
 public:
  BrotliStage(ContentDecoder& decoder, size_t index)
      : Stage(decoder, index, Coding::kBrotli),
        br_(BrotliDecoderCreateInstance(nullptr, nullptr, nullptr)) {}
  ~BrotliStage() override {
    if (br_) BrotliDecoderDestroyInstance(br_);
  }

  bool Write(const char* data, size_t len) override {
    if (!br_) return Fail(CURLE_WRITE_ERROR);  // the stream already ended
    auto* src = reinterpret_cast<const uint8_t*>(data);
    BrotliDecoderResult r = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
    while (len || r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
      auto* dst = reinterpret_cast<uint8_t*>(out_);
      size_t left = kChunkBytes;
      r = BrotliDecoderDecompressStream(br_, &len, &src, &left, &dst, nullptr);
      if (!Down(out_, kChunkBytes - left)) return false;
      switch (r) {
        case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
        case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
          break;
        case BROTLI_DECODER_RESULT_SUCCESS:
          BrotliDecoderDestroyInstance(br_);
          br_ = nullptr;
          if (len) return Fail(CURLE_WRITE_ERROR);
          return true;
        default:
          return Fail(MapError(BrotliDecoderGetErrorCode(br_)));
      }
    }
    return true;
  }

 private:
  // brotli_map_error, as compiled against brotli 1.0.9: the #ifdef'd
  // dictionary cases are enum values there, not macros, so they fall through
  // to CURLE_WRITE_ERROR like FORMAT_RESERVED and FORMAT_DISTANCE.
  static CURLcode MapError(BrotliDecoderErrorCode code) {
    switch (code) {
      case BROTLI_DECODER_ERROR_FORMAT_EXUBERANT_NIBBLE:
      case BROTLI_DECODER_ERROR_FORMAT_EXUBERANT_META_NIBBLE:
      case BROTLI_DECODER_ERROR_FORMAT_SIMPLE_HUFFMAN_ALPHABET:
      case BROTLI_DECODER_ERROR_FORMAT_SIMPLE_HUFFMAN_SAME:
      case BROTLI_DECODER_ERROR_FORMAT_CL_SPACE:
      case BROTLI_DECODER_ERROR_FORMAT_HUFFMAN_SPACE:
      case BROTLI_DECODER_ERROR_FORMAT_CONTEXT_MAP_REPEAT:
      case BROTLI_DECODER_ERROR_FORMAT_BLOCK_LENGTH_1:
      case BROTLI_DECODER_ERROR_FORMAT_BLOCK_LENGTH_2:
      case BROTLI_DECODER_ERROR_FORMAT_TRANSFORM:
      case BROTLI_DECODER_ERROR_FORMAT_DICTIONARY:
      case BROTLI_DECODER_ERROR_FORMAT_WINDOW_BITS:
      case BROTLI_DECODER_ERROR_FORMAT_PADDING_1:
      case BROTLI_DECODER_ERROR_FORMAT_PADDING_2:
      case BROTLI_DECODER_ERROR_INVALID_ARGUMENTS:
        return CURLE_BAD_CONTENT_ENCODING;
      case BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES:
      case BROTLI_DECODER_ERROR_ALLOC_TREE_GROUPS:
      case BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MAP:
      case BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_1:
      case BROTLI_DECODER_ERROR_ALLOC_RING_BUFFER_2:
      case BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES:
        return CURLE_OUT_OF_MEMORY;
      default:
        return CURLE_WRITE_ERROR;
    }
  }

  BrotliDecoderState* br_;
  char out_[kChunkBytes];
};

// zstd as libcurl 7.88 undoes it (zstd_unencode_write).
class ZstdStage final : public Stage {
 public:
  ZstdStage(ContentDecoder& decoder, size_t index)
      : Stage(decoder, index, Coding::kZstd), zds_(ZSTD_createDStream()) {}
  ~ZstdStage() override { ZSTD_freeDStream(zds_); }

  bool Write(const char* data, size_t len) override {
    if (!zds_) return Fail(CURLE_OUT_OF_MEMORY);
    ZSTD_inBuffer in{data, len, 0};
    while (true) {
      ZSTD_outBuffer out{out_, kChunkBytes, 0};
      if (ZSTD_isError(ZSTD_decompressStream(zds_, &out, &in))) {
        return Fail(CURLE_BAD_CONTENT_ENCODING);
      }
      if (out.pos > 0 && !Down(out_, out.pos)) return false;
      if (in.pos == len && out.pos < out.size) return true;
    }
  }

 private:
  ZSTD_DStream* zds_;
  char out_[kChunkBytes];
};

}  // namespace

// ===== the decoder ==========================================================

ContentDecoder::ContentDecoder(DecodedSink& sink, size_t size_limit)
    : sink_(sink), size_limit_(size_limit) {}

ContentDecoder::~ContentDecoder() = default;

void ContentDecoder::AddCodings(std::string_view value) {
  if (buffering_ || streaming_) return;
  // libcurl's parse (Curl_build_unencoding_stack): names split at commas,
  // leading blanks skipped, trailing white space (the CRLF too) dropped.
  size_t pos = 0;
  while (pos < value.size()) {
    while (pos < value.size() && (IsBlank(value[pos]) || value[pos] == ',')) ++pos;
    size_t start = pos;
    size_t len = 0;
    for (; pos < value.size() && value[pos] != ','; ++pos) {
      if (!IsAsciiSpace(value[pos])) len = pos - start + 1;
    }
    if (len == 0) continue;
    Coding coding = CodingNamed(value.substr(start, len));
    size_t index = stages_.size();
    switch (coding) {
      case Coding::kIdentity:
        stages_.push_back(std::make_unique<IdentityStage>(*this, index, coding));
        break;
      case Coding::kGzip:
      case Coding::kDeflate:
        stages_.push_back(std::make_unique<ZlibStage>(*this, index, coding));
        break;
      case Coding::kBrotli:
        stages_.push_back(std::make_unique<BrotliStage>(*this, index));
        break;
      case Coding::kZstd:
        stages_.push_back(std::make_unique<ZstdStage>(*this, index));
        break;
      case Coding::kUnknown:
        stages_.push_back(std::make_unique<UnknownStage>(*this, index, coding));
        break;
    }
  }
}

void ContentDecoder::StreamFromNow() {
  if (streaming_) return;
  streaming_ = true;
  if (buffering_) {
    buffering_ = false;
    Replay();
  }
}

bool ContentDecoder::Write(const char* data, size_t len) {
  if (finished_ || failed() || sink_stopped_) return false;
  if (!buffering_ && !streaming_) {
    // The first body bytes: the stack is final now.
    Coding only = stages_.size() == 1 ? stages_[0]->coding() : Coding::kUnknown;
    buffering_ = only == Coding::kGzip || only == Coding::kDeflate;
    streaming_ = !buffering_;
  }
  if (buffering_) {
    if (buffered_.size() + len <= kMaxBufferedBytes) {
      if (buffered_.empty())
        buffered_.reserve(std::min(kMaxBufferedBytes, std::max<size_t>(len, size_t{32} * 1024)));
      buffered_.append(data, len);
      chunk_sizes_.push_back(len);
      return true;
    }
    buffering_ = false;
    streaming_ = true;
    if (!Replay()) return false;
  }
  return Stream(data, len);
}

bool ContentDecoder::Finish() {
  if (finished_) return !failed() && !sink_stopped_;
  finished_ = true;
  if (!buffering_) return !failed() && !sink_stopped_;
  buffering_ = false;
  if (buffered_.empty()) return true;
  return OneShot();
}

bool ContentDecoder::Stream(const char* data, size_t len) {
  if (failed() || sink_stopped_) return false;
  return stages_.empty() ? Emit(0, data, len) : stages_.back()->Write(data, len);
}

bool ContentDecoder::Replay() {
  std::string raw = std::move(buffered_);
  std::vector<size_t> sizes = std::move(chunk_sizes_);
  buffered_.clear();
  chunk_sizes_.clear();
  size_t offset = 0;
  for (size_t n : sizes) {
    if (!Stream(raw.data() + offset, n)) return false;
    offset += n;
  }
  return true;
}

bool ContentDecoder::Emit(size_t stage, const char* data, size_t len) {
  if (stage > 0) return stages_[stage - 1]->Write(data, len);
  if (len == 0) return true;
  if (!sink_.Append(data, len)) {
    sink_stopped_ = true;
    return false;
  }
  return true;
}

bool ContentDecoder::Fail(int curl_code, std::string message) {
  if (!failed()) {
    curl_code_ = curl_code;
    message_ = std::move(message);
  }
  return false;
}

// The whole buffered body through libdeflate. Anything libdeflate does not
// decode cleanly, to the last input byte, goes back to the streaming path,
// which gives libcurl's answer (partial output, the error, its text).
bool ContentDecoder::OneShot() {
  const auto* in = reinterpret_cast<const unsigned char*>(buffered_.data());
  const size_t n = buffered_.size();
  std::string out;
  size_t in_used = 0;
  size_t out_len = 0;
  libdeflate_result r = LIBDEFLATE_BAD_DATA;
  if (stages_[0]->coding() == Coding::kGzip) {
    // A gzip header CRC (FHCRC) is checked by zlib, not by libdeflate.
    constexpr unsigned char kFhcrc = 0x02;
    bool plain_gzip = n >= 18 && in[0] == 0x1f && in[1] == 0x8b && in[2] == 8 && !(in[3] & kFhcrc);
    uint32_t isize = plain_gzip ? LoadLe32(in + n - 4) : 0;
    if (plain_gzip && isize <= size_limit_) {
      out.resize(isize);
      r = libdeflate_gzip_decompress_ex(Decompressor(), in, n, out.data(), out.size(), &in_used,
                                        &out_len);
    }
  } else {
    // No size in a zlib stream: a generous guess, else the streaming path.
    size_t guess = std::min(size_limit_, n * 8 + size_t{64} * 1024);
    out.resize(guess);
    r = libdeflate_zlib_decompress_ex(Decompressor(), in, n, out.data(), out.size(), &in_used,
                                      &out_len);
  }
  if (r != LIBDEFLATE_SUCCESS || in_used != n || out_len > size_limit_) return Replay();
  buffered_.clear();
  buffered_.shrink_to_fit();
  chunk_sizes_.clear();
  if (out_len == 0) return true;
  out.resize(out_len);
  if (!sink_.AppendWhole(std::move(out))) {
    sink_stopped_ = true;
    return false;
  }
  return true;
}

}  // namespace trawl
