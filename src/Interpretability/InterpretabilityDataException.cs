namespace Interpretability;

/// <summary>
/// The base of every exception this library raises for bad data in a model, image or IDX file
/// (or the stream or bytes holding one). Catch it to handle any bad input in one place.
/// </summary>
/// <remarks>
/// <see cref="InvalidDataException"/> is sealed, so this family derives from its nearest open
/// relative, <see cref="IOException"/>, as protobuf's and .NET's own stream-format errors do.
/// Bad arguments (wrong shapes, negative sizes) raise <see cref="ArgumentException"/> instead.
/// </remarks>
public abstract class InterpretabilityDataException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    protected InterpretabilityDataException()
    {
    }

    /// <summary>Creates the exception with a message that names the problem.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    protected InterpretabilityDataException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    /// <param name="innerException">The underlying error.</param>
    protected InterpretabilityDataException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
