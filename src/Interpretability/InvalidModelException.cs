namespace Interpretability;

/// <summary>
/// A model file (or stream, or byte array) is not a valid ONNX model this library can read: not protobuf, truncated, inconsistent tensor sizes, bad dimensions, and so on. The base of every model error; the message names the file, the tensor or node, the value and the limit.
/// </summary>
public class InvalidModelException : InterpretabilityDataException
{
    /// <summary>Creates the exception with a default message.</summary>
    public InvalidModelException()
    {
    }

    /// <summary>Creates the exception with a message that names the problem.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    public InvalidModelException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    /// <param name="innerException">The underlying error.</param>
    public InvalidModelException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
