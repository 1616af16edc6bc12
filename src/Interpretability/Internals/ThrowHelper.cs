using System.Diagnostics.CodeAnalysis;

namespace Interpretability.Internals;

/// <summary>
/// Cold throw paths, kept out of hot methods so the JIT can inline the callers. Every message
/// says what was wrong, the value, and what is allowed.
/// </summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowArgument(string paramName, string message) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static T ThrowArgument<T>(string paramName, string message) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName, object? value, string message) =>
        throw new ArgumentOutOfRangeException(paramName, value, message);

    [DoesNotReturn]
    public static T ThrowArgumentOutOfRange<T>(string paramName, object? value, string message) =>
        throw new ArgumentOutOfRangeException(paramName, value, message);

    [DoesNotReturn]
    public static void ThrowObjectDisposed(object owner) =>
        throw new ObjectDisposedException(owner.GetType().FullName);

    [DoesNotReturn]
    public static void ThrowInvalidOperation(string message) =>
        throw new InvalidOperationException(message);

    [DoesNotReturn]
    public static T ThrowInvalidOperation<T>(string message) =>
        throw new InvalidOperationException(message);
}
