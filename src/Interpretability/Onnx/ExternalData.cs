using System.Globalization;
using Interpretability.Internals;
using Interpretability.Onnx.Schema;
using Microsoft.Win32.SafeHandles;

namespace Interpretability.Onnx;

/// <summary>
/// Reads tensors stored outside the model file (ONNX external data: <c>location</c>,
/// <c>offset</c>, <c>length</c> relative to the model's folder), and refuses anything that would
/// read outside that folder.
/// </summary>
/// <remarks>
/// Rules, all checked before a file is opened: the model has a base folder; the location is a
/// relative POSIX path with no <c>..</c> segment, no backslash, no drive or root; after every
/// symbolic link on the way is resolved, the file is inside the base folder's real path; it is a
/// regular file (not a directory, FIFO, socket or device) with one hard link; offset and length
/// are plain decimal numbers, their sum fits in the file, and the length is exactly the tensor's
/// size. After opening, the handle is checked again to be the same file (device and inode), so a
/// file swapped in between is refused too. On systems without <c>statx</c> (not Linux), FIFOs,
/// devices and hard links cannot be told apart and only the path rules apply.
/// </remarks>
internal static class ExternalData
{
    private const int MaxLinkHops = 40;

    /// <summary>Test hook: every file path this class opens, in order (tests check that a canary never appears).</summary>
    internal static event Action<string>? Opening;

    /// <summary>A checked external location.</summary>
    /// <param name="Path">The real path of the file (links resolved), inside the base folder.</param>
    /// <param name="Offset">Where the tensor's bytes start.</param>
    /// <param name="Length">How many bytes the tensor occupies.</param>
    /// <param name="Identity">The file's device and inode, when the platform reports them.</param>
    internal readonly record struct Resolved(string Path, long Offset, long Length, FileIdentity? Identity);

    /// <summary>Checks everything about a tensor's external data without opening the file.</summary>
    public static Resolved Describe(TensorProto tensor, TensorHeader header, ModelSource source)
    {
        string? location = null;
        string? offsetText = null;
        string? lengthText = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in tensor.ExternalData)
        {
            if (!seen.Add(entry.Key))
            {
                throw source.External($"tensor {header.Describe()} has the external_data key '{entry.Key}' more than once.");
            }

            switch (entry.Key)
            {
                case "location":
                    location = entry.Value;
                    break;
                case "offset":
                    offsetText = entry.Value;
                    break;
                case "length":
                    lengthText = entry.Value;
                    break;
            }
        }

        if (string.IsNullOrEmpty(location))
        {
            throw source.External($"tensor {header.Describe()} is stored as external data but has no 'location' entry.");
        }

        var expected = OnnxDataTypes.RawByteCount(header.Type, header.Count);
        var offset = offsetText is null ? 0 : ParseNumber(offsetText, "offset", header, source);
        var length = lengthText is null ? (long?)null : ParseNumber(lengthText, "length", header, source);
        if (length is long declared && declared != expected)
        {
            throw source.External($"tensor {header.Describe()}: external data length {declared:N0} does not match the {expected:N0} bytes its dims and type need.");
        }

        if (source.BaseDirectory is null)
        {
            throw source.External($"tensor {header.Describe()} is stored in the external file '{location}', but the model was loaded from a stream or bytes without a base folder; pass the folder that holds the model's data files.");
        }

        var path = ResolveInside(location, header, source);
        var identity = FileStatus.TryGet(path, followLinks: false, out var status) ? Check(status, path, location, header, source) : FallbackCheck(path, location, header, source);
        var size = identity?.Size ?? new FileInfo(path).Length;

        if (offset > size || expected > size - offset)
        {
            throw source.External($"tensor {header.Describe()}: external file '{location}' holds {size:N0} bytes, but offset {offset:N0} + length {expected:N0} reaches beyond it.");
        }

        return new Resolved(path, offset, expected, identity?.Id);
    }

    /// <summary>Reads the tensor's external bytes into <paramref name="destination"/> (exactly its length).</summary>
    public static void Read(TensorProto tensor, TensorHeader header, ModelSource source, Span<byte> destination)
    {
        var resolved = Describe(tensor, header, source);
        if (destination.Length != resolved.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; the tensor needs {resolved.Length}.", nameof(destination));
        }

        Opening?.Invoke(resolved.Path);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(resolved.Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw source.External($"tensor {header.Describe()}: cannot open external file '{resolved.Path}': {ex.Message}", ex);
        }

        using (handle)
        {
            if (resolved.Identity is FileIdentity before
                && (!FileStatus.TryGet(handle, out var after) || after.Id != before || !after.IsRegularFile))
            {
                throw source.Unsafe($"tensor {header.Describe()}: external file '{resolved.Path}' changed between the check and the read; refusing to read it.");
            }

            var done = 0;
            while (done < destination.Length)
            {
                var read = RandomAccess.Read(handle, destination[done..], resolved.Offset + done);
                if (read == 0)
                {
                    throw source.External($"tensor {header.Describe()}: external file '{resolved.Path}' ended after {resolved.Offset + done:N0} bytes; {resolved.Offset + resolved.Length:N0} were expected.");
                }

                done += read;
            }
        }
    }

    private static long ParseNumber(string text, string key, TensorHeader header, ModelSource source)
    {
        if (text.Length is 0 or > 19 || !text.All(char.IsAsciiDigit)
            || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw source.External($"tensor {header.Describe()}: external data {key} '{Truncate(text)}' is not a non-negative decimal integer below 2^63.");
        }

        return value;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");

    /// <summary>Applies the path rules and resolves links; returns the real path inside the base folder.</summary>
    private static string ResolveInside(string location, TensorHeader header, ModelSource source)
    {
        var shown = Truncate(location);
        if (location.Contains('\0', StringComparison.Ordinal))
        {
            throw source.Unsafe($"tensor {header.Describe()}: external data location contains a NUL character.");
        }

        if (location.Contains('\\', StringComparison.Ordinal))
        {
            throw source.Unsafe($"tensor {header.Describe()}: external data location '{shown}' contains a backslash; ONNX locations are relative POSIX paths (Windows-style paths are refused).");
        }

        if (location.StartsWith('/') || Path.IsPathRooted(location) || (location.Length >= 2 && char.IsAsciiLetter(location[0]) && location[1] == ':'))
        {
            throw source.Unsafe($"tensor {header.Describe()}: external data location '{shown}' is absolute; it must be relative to the model's folder.");
        }

        if (location.Split('/').Any(segment => segment == ".."))
        {
            throw source.Unsafe($"tensor {header.Describe()}: external data location '{shown}' contains '..'; it must stay inside the model's folder.");
        }

        var baseReal = RealPath(source.BaseDirectory!, header, source);
        var target = RealPath(Path.Join(baseReal, location), header, source);
        var prefix = baseReal.EndsWith(Path.DirectorySeparatorChar) ? baseReal : baseReal + Path.DirectorySeparatorChar;
        if (!target.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw source.Unsafe($"tensor {header.Describe()}: external data location '{shown}' leads to '{target}', outside the model's folder '{baseReal}' (through a symbolic link).");
        }

        if (!File.Exists(target))
        {
            throw Directory.Exists(target)
                ? source.Unsafe($"tensor {header.Describe()}: external data location '{shown}' is a directory, not a file.")
                : source.External($"tensor {header.Describe()}: external data file '{shown}' does not exist in the model's folder '{baseReal}'.");
        }

        return target;
    }

    /// <summary>The path with every symbolic link resolved, like POSIX realpath, without opening anything.</summary>
    private static string RealPath(string path, TensorHeader header, ModelSource source)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var pending = new Stack<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = root;
        var hops = 0;
        while (pending.Count > 0)
        {
            var segment = pending.Pop();
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }

            var next = Path.Join(current, segment);
            string? link;
            try
            {
                link = new FileInfo(next).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                link = null;
            }

            if (link is null)
            {
                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw source.Unsafe($"tensor {header.Describe()}: more than {MaxLinkHops} symbolic links while resolving '{path}' (a loop?).");
            }

            if (Path.IsPathRooted(link))
            {
                current = Path.GetPathRoot(link) ?? root;
                link = link[current.Length..];
            }

            foreach (var part in link.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(part);
            }
        }

        return current;
    }

    private static FileStatus? Check(FileStatus status, string path, string location, TensorHeader header, ModelSource source)
    {
        var shown = Truncate(location);
        if (!status.IsRegularFile)
        {
            throw source.Unsafe($"tensor {header.Describe()}: external data location '{shown}' is a {status.KindName}, not a regular file.");
        }

        if (status.LinkCount > 1)
        {
            throw source.Unsafe($"tensor {header.Describe()}: external data file '{path}' has {status.LinkCount} hard links; a hard link can expose a file from outside the model's folder, so such files are refused.");
        }

        return status;
    }

    private static FileStatus? FallbackCheck(string path, string location, TensorHeader header, ModelSource source)
    {
        var attributes = File.GetAttributes(path);
        if ((attributes & (FileAttributes.Directory | FileAttributes.Device)) != 0)
        {
            throw source.Unsafe($"tensor {header.Describe()}: external data location '{Truncate(location)}' is not a regular file ({attributes}).");
        }

        return null;
    }
}
