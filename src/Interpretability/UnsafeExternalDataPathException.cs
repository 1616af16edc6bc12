namespace Interpretability;

/// <summary>
/// A tensor's external data location would read something other than a regular file inside the model's folder: an absolute path, a <c>..</c> escape, a symbolic or hard link pointing outside, a device, a FIFO or a directory. The file is never opened.
/// </summary>
public class UnsafeExternalDataPathException : ExternalDataException
{
    /// <summary>Creates the exception with a default message.</summary>
    public UnsafeExternalDataPathException()
    {
    }

    /// <summary>Creates the exception with a message that names the problem.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    public UnsafeExternalDataPathException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    /// <param name="innerException">The underlying error.</param>
    public UnsafeExternalDataPathException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
