namespace Interpretability;

/// <summary>
/// An IDX file (the MNIST and Fashion-MNIST format) is malformed: wrong magic number, unsupported element type, dimensions that overflow or do not match the data length, or truncated data.
/// </summary>
public class InvalidIdxException : InterpretabilityDataException
{
    /// <summary>Creates the exception with a default message.</summary>
    public InvalidIdxException()
    {
    }

    /// <summary>Creates the exception with a message that names the problem.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    public InvalidIdxException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    /// <param name="innerException">The underlying error.</param>
    public InvalidIdxException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
