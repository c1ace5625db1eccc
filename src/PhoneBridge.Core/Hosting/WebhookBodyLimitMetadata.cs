using Microsoft.AspNetCore.Http.Metadata;

namespace PhoneBridge.Core.Hosting;

/// <summary>
/// Endpoint metadata that routing applies before the handler runs: the server's body limit for the request
/// (Kestrel answers 413 once a body, chunked or not, grows past it) and tight form-reader limits (too many
/// fields, or a field name or value too long, fail the read with an <see cref="InvalidDataException"/>).
/// Twilio's webhooks carry a few dozen short fields.
/// </summary>
internal sealed class WebhookBodyLimitMetadata(int maxBytes) : IRequestSizeLimitMetadata, IFormOptionsMetadata
{
    public const int FieldLimit = 256;
    public const int FieldNameLimit = 256;

    public int MaxBytes { get; } = maxBytes;

    public long? MaxRequestBodySize => MaxBytes;

    public bool? BufferBody => null;

    public int? MemoryBufferThreshold => null;

    public long? BufferBodyLengthLimit => MaxBytes;

    public int? ValueCountLimit => FieldLimit;

    public int? KeyLengthLimit => FieldNameLimit;

    public int? ValueLengthLimit => MaxBytes;

    public int? MultipartBoundaryLengthLimit => 128;

    public int? MultipartHeadersCountLimit => 8;

    public int? MultipartHeadersLengthLimit => 4096;

    public long? MultipartBodyLengthLimit => MaxBytes;
}
