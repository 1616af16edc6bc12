namespace Interpretability;

/// <summary>
/// ONNX Runtime refused the model or failed while running it (an operator or opset it does not
/// support, a shape it rejects, ...). The message keeps ONNX Runtime's own text; the original
/// exception is the inner exception.
/// </summary>
public class ModelExecutionException : InvalidModelException
{
    /// <summary>Creates the exception with a default message.</summary>
    public ModelExecutionException()
    {
    }

    /// <summary>Creates the exception with a message that names the problem.</summary>
    /// <param name="message">What failed, with ONNX Runtime's own message.</param>
    public ModelExecutionException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and ONNX Runtime's exception.</summary>
    /// <param name="message">What failed, with ONNX Runtime's own message.</param>
    /// <param name="innerException">ONNX Runtime's exception.</param>
    public ModelExecutionException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
