namespace Interpretability;

/// <summary>
/// An image file or stream is not a PNG or JPEG this library can decode, is truncated, or declares dimensions beyond the configured cap. The message names the file, the value and the limit.
/// </summary>
public class InvalidImageException : InterpretabilityDataException
{
    /// <summary>Creates the exception with a default message.</summary>
    public InvalidImageException()
    {
    }

    /// <summary>Creates the exception with a message that names the problem.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    public InvalidImageException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    /// <param name="innerException">The underlying error.</param>
    public InvalidImageException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
