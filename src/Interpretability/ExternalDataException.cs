namespace Interpretability;

/// <summary>
/// A tensor stored outside the model file (ONNX external data) cannot be read: the file is missing, the offset or length is malformed or outside the file, or the stored bytes do not match the tensor's size.
/// </summary>
public class ExternalDataException : InvalidModelException
{
    /// <summary>Creates the exception with a default message.</summary>
    public ExternalDataException()
    {
    }

    /// <summary>Creates the exception with a message that names the problem.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    public ExternalDataException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    /// <param name="innerException">The underlying error.</param>
    public ExternalDataException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
