namespace Interpretability;

/// <summary>
/// The model is larger or deeper than a configured limit allows (file size, tensor size, nesting depth, node count); see <see cref="ModelLoadOptions"/>. The message names the value and the limit.
/// </summary>
public class ModelLimitExceededException : InvalidModelException
{
    /// <summary>Creates the exception with a default message.</summary>
    public ModelLimitExceededException()
    {
    }

    /// <summary>Creates the exception with a message that names the problem.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    public ModelLimitExceededException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What was wrong, the value, and the limit or what is allowed.</param>
    /// <param name="innerException">The underlying error.</param>
    public ModelLimitExceededException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
