using System.Buffers.Binary;
using System.IO.Compression;

namespace Interpretability.Imaging;

/// <summary>
/// Reads IDX files (the MNIST family's format): a big-endian header — two zero bytes, an element type,
/// the number of dimensions, then each dimension as a 32-bit unsigned integer — followed by the
/// elements, row-major. Gzip-compressed files are recognised by their magic bytes (1F 8B).
/// Only unsigned bytes (type 0x08) are read; every MNIST-family file uses them.
/// </summary>
internal static class IdxReader
{
    private const byte UnsignedByte = 0x08;
    private const int MaxRank = 16;

    public static (int[] Dimensions, byte[] Data) Read(Stream input, string source, long maxElements)
    {
        var head = new byte[4];
        var got = ReadFully(input, head);
        if (got < 2)
        {
            throw new InvalidIdxException($"{source} is {got} bytes long; an IDX file starts with a 4-byte magic number.");
        }

        var prefixed = new PrefixStream(head.AsSpan(0, got).ToArray(), input);
        if (head[0] == 0x1F && head[1] == 0x8B)
        {
            using var gzip = new GZipStream(prefixed, CompressionMode.Decompress, leaveOpen: true);
            try
            {
                return ReadIdx(gzip, source + " (gzip)", maxElements);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidIdxException($"{source} is not valid gzip data: {e.Message}", e);
            }
        }

        return ReadIdx(prefixed, source, maxElements);
    }

    private static (int[] Dimensions, byte[] Data) ReadIdx(Stream stream, string source, long maxElements)
    {
        Span<byte> magic = stackalloc byte[4];
        var got = ReadFully(stream, magic);
        if (got < 4)
        {
            throw new InvalidIdxException($"{source} ends after {got} bytes; an IDX file starts with a 4-byte magic number (00 00 type rank).");
        }

        var hex = Convert.ToHexString(magic);
        if (magic[0] != 0 || magic[1] != 0)
        {
            if (magic[2] == 0 && magic[3] == 0 && magic[1] is >= 0x08 and <= 0x0E)
            {
                throw new InvalidIdxException($"{source} starts with 0x{hex}, an IDX magic number in little-endian byte order; IDX is big-endian (00 00 {magic[1]:X2} {magic[0]:X2}).");
            }

            throw new InvalidIdxException($"{source} starts with 0x{hex}; an IDX file starts with two zero bytes, its element type and its rank (MNIST images: 0x00000803).");
        }

        if (magic[2] != UnsignedByte)
        {
            var name = magic[2] switch
            {
                0x09 => "signed byte",
                0x0B => "16-bit integer",
                0x0C => "32-bit integer",
                0x0D => "32-bit float",
                0x0E => "64-bit float",
                _ => null,
            };
            throw new InvalidIdxException(name is null
                ? $"{source} declares element type 0x{magic[2]:X2}, which IDX does not define; only 0x08 (unsigned byte) is read."
                : $"{source} declares element type 0x{magic[2]:X2} ({name}); only 0x08 (unsigned byte), the type of every MNIST-family file, is read.");
        }

        int rank = magic[3];
        if (rank is 0 or > MaxRank)
        {
            throw new InvalidIdxException($"{source} declares {rank} dimensions; from 1 to {MaxRank} are allowed.");
        }

        var header = new byte[rank * 4];
        got = ReadFully(stream, header);
        if (got < header.Length)
        {
            throw new InvalidIdxException($"{source} ends inside its header: {rank} dimensions need {header.Length} bytes after the magic number, but only {got} follow.");
        }

        var dimensions = new int[rank];
        long elements = 1;
        for (var i = 0; i < rank; i++)
        {
            var d = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(i * 4));
            if (d > int.MaxValue)
            {
                throw new InvalidIdxException($"{source} declares dimension {i} as {d}; at most {int.MaxValue} is allowed.");
            }

            dimensions[i] = (int)d;
            elements = d == 0 || elements == 0 ? 0 : elements > maxElements / d ? maxElements + 1 : elements * d;
        }

        if (elements > maxElements)
        {
            throw new InvalidIdxException($"{source} declares dimensions [{string.Join(", ", dimensions)}], more than the limit of {maxElements} elements.");
        }

        var data = ReadData(stream, elements, source);
        Span<byte> extra = stackalloc byte[1];
        if (ReadFully(stream, extra) != 0)
        {
            throw new InvalidIdxException($"{source} has more data than its dimensions [{string.Join(", ", dimensions)}] declare ({elements} bytes); the file is longer than its header says.");
        }

        return (dimensions, data);
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes, growing the buffer with the data so that a lying header cannot make it allocate up front.</summary>
    private static byte[] ReadData(Stream stream, long length, string source)
    {
        var buffer = new byte[Math.Min(length, 1 << 20)];
        long filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(length, Math.Max(buffer.Length * 2L, 1)));
            }

            var n = stream.Read(buffer, (int)filled, buffer.Length - (int)filled);
            if (n == 0)
            {
                throw new InvalidIdxException($"{source} is truncated: its header declares {length} bytes of data but only {filled} follow.");
            }

            filled += n;
        }

        return buffer;
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    /// <summary>Gives back the bytes already read for sniffing, then the rest of the inner stream.</summary>
    private sealed class PrefixStream(byte[] prefix, Stream inner) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }

            return inner.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
