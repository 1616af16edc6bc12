namespace Interpretability;

/// <summary>
/// The model is well formed but uses something this library cannot read, such as an unknown tensor data type or a constant computed by an operator it cannot evaluate. The message names the tensor or node and the value.
/// </summary>
public class UnsupportedModelException : InvalidModelException
{
    /// <summary>Creates the exception with a default message.</summary>
    public UnsupportedModelException()
    {
    }

    /// <summary>Creates the exception with a message that names the problem.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    public UnsupportedModelException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    /// <param name="innerException">The underlying error.</param>
    public UnsupportedModelException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
