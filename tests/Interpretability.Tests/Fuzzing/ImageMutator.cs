using System.Buffers.Binary;
using System.IO.Compression;

namespace Interpretability.Tests.Fuzzing;

/// <summary>
/// Format-aware mutations of PNG, JPEG and IDX files: PNG chunks changed with their CRC fixed (so
/// the codec does not stop at the checksum), IHDR fields and JPEG frame sizes set to extremes, PNG
/// pixel data changed inside its zlib stream, IDX headers changed inside their gzip stream.
/// </summary>
internal static class ImageMutator
{
    private static readonly uint[] s_crcTable = BuildCrcTable();

    private static readonly uint[] s_sizes = [0, 1, 2, 3, 27, 28, 29, 255, 4096, 16_385, 65_535, 65_536, 1u << 24, int.MaxValue, 1u << 31, uint.MaxValue];

    public static byte[] MutatePng(byte[] png, Random random, List<string> log)
    {
        var chunks = ReadChunks(png);
        if (chunks is null || chunks.Count == 0)
        {
            return ByteMutator.Mutate(png, random, log);
        }

        switch (random.Next(6))
        {
            case 0:
            {
                var ihdr = chunks.Find(c => c.Type == "IHDR");
                if (ihdr is not null && ihdr.Data.Length >= 13)
                {
                    var field = random.Next(4);
                    switch (field)
                    {
                        case 0: BinaryPrimitives.WriteUInt32BigEndian(ihdr.Data, s_sizes[random.Next(s_sizes.Length)]); break;
                        case 1: BinaryPrimitives.WriteUInt32BigEndian(ihdr.Data.AsSpan(4), s_sizes[random.Next(s_sizes.Length)]); break;
                        case 2: ihdr.Data[8] = (byte)new[] { 0, 1, 2, 3, 4, 8, 16, 32, 255 }[random.Next(9)]; break; // bit depth
                        default: ihdr.Data[9 + random.Next(4)] = (byte)random.Next(8); break; // colour type, compression, filter, interlace
                    }

                    log.Add($"PNG IHDR field {field} changed (CRC fixed)");
                }

                break;
            }

            case 1 or 2:
            {
                // Change the pixel data inside the zlib stream, then compress it again.
                var idat = chunks.Where(c => c.Type == "IDAT").ToList();
                if (idat.Count == 0)
                {
                    break;
                }

                byte[] raw;
                try
                {
                    using var input = new ZLibStream(new MemoryStream([.. idat.SelectMany(c => c.Data)]), CompressionMode.Decompress);
                    using var buffer = new MemoryStream();
                    input.CopyTo(buffer);
                    raw = buffer.ToArray();
                }
                catch (InvalidDataException)
                {
                    break;
                }

                var mutated = ByteMutator.Mutate(raw, random, log);
                using var output = new MemoryStream();
                using (var z = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
                {
                    z.Write(mutated);
                }

                var first = chunks.IndexOf(idat[0]);
                chunks.RemoveAll(c => c.Type == "IDAT");
                chunks.Insert(first, new Chunk("IDAT", output.ToArray()));
                log.Add($"PNG pixel data {raw.Length} -> {mutated.Length} bytes, recompressed");
                break;
            }

            case 3:
            {
                var chunk = chunks[random.Next(chunks.Count)];
                var data = ByteMutator.Mutate(chunk.Data, random, log);
                chunks[chunks.IndexOf(chunk)] = chunk with { Data = data };
                log.Add($"PNG chunk {chunk.Type} mutated (CRC fixed)");
                break;
            }

            case 4:
            {
                var chunk = chunks[random.Next(chunks.Count)];
                if (random.Next(2) == 0)
                {
                    chunks.Remove(chunk);
                    log.Add($"PNG chunk {chunk.Type} removed");
                }
                else
                {
                    chunks.Insert(random.Next(chunks.Count + 1), chunk);
                    log.Add($"PNG chunk {chunk.Type} duplicated");
                }

                break;
            }

            default:
            {
                // A chunk that claims a huge length: the codec must not trust it.
                var chunk = chunks[random.Next(chunks.Count)];
                var bytes = WriteChunks(chunks);
                var offset = 8 + chunks.TakeWhile(c => c != chunk).Sum(c => 12 + c.Data.Length);
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset), s_sizes[random.Next(s_sizes.Length)]);
                log.Add($"PNG chunk {chunk.Type} length field changed");
                return bytes;
            }
        }

        return WriteChunks(chunks);
    }

    public static byte[] MutateJpeg(byte[] jpeg, Random random, List<string> log)
    {
        // SOF0/SOF1/SOF2: FF C0..C2, length (2), precision (1), height (2), width (2), components (1).
        var sof = -1;
        for (var i = 2; i + 9 < jpeg.Length; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC1 or 0xC2)
            {
                sof = i;
                break;
            }
        }

        if (sof < 0 || random.Next(2) == 0)
        {
            return ByteMutator.Mutate(jpeg, random, log);
        }

        var bytes = (byte[])jpeg.Clone();
        var field = random.Next(4);
        switch (field)
        {
            case 0: BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 5), (ushort)s_sizes[random.Next(s_sizes.Length)]); break;
            case 1: BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 7), (ushort)s_sizes[random.Next(s_sizes.Length)]); break;
            case 2: bytes[sof + 9] = (byte)random.Next(256); break; // components
            default: bytes[sof + 4] = (byte)random.Next(256); break; // precision
        }

        log.Add($"JPEG frame field {field} changed");
        return bytes;
    }

    /// <summary>Mutates an IDX file; a gzip file is decompressed, mutated (often in its header) and compressed again.</summary>
    public static byte[] MutateIdx(byte[] idx, Random random, List<string> log)
    {
        var gzip = idx.Length > 2 && idx[0] == 0x1F && idx[1] == 0x8B;
        if (gzip && random.Next(3) == 0)
        {
            return ByteMutator.Mutate(idx, random, log);
        }

        var plain = gzip ? Gunzip(idx) : idx;
        byte[] mutated;
        if (random.Next(2) == 0 && plain.Length >= 8)
        {
            mutated = (byte[])plain.Clone();
            var rank = Math.Min((int)mutated[3], (mutated.Length - 4) / 4);
            var field = random.Next(rank + 3);
            switch (field)
            {
                case 0: mutated[2] = (byte)new[] { 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x00, 0xFF }[random.Next(8)]; break;
                case 1: mutated[3] = (byte)new[] { 0, 1, 2, 3, 4, 16, 17, 255 }[random.Next(8)]; break;
                case 2: mutated[random.Next(2)] = (byte)random.Next(1, 256); break;
                default: BinaryPrimitives.WriteUInt32BigEndian(mutated.AsSpan(4 + ((field - 3) * 4)), s_sizes[random.Next(s_sizes.Length)]); break;
            }

            log.Add($"IDX header field {field} changed");
        }
        else
        {
            mutated = ByteMutator.Mutate(plain, random, log);
        }

        if (!gzip || random.Next(4) == 0)
        {
            return mutated;
        }

        using var output = new MemoryStream();
        using (var z = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(mutated);
        }

        log.Add("compressed again with gzip");
        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] bytes)
    {
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        input.CopyTo(buffer);
        return buffer.ToArray();
    }

    private sealed record Chunk(string Type, byte[] Data);

    private static List<Chunk>? ReadChunks(byte[] png)
    {
        var chunks = new List<Chunk>();
        var at = 8;
        while (at + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            if (length > png.Length - at - 12)
            {
                return null;
            }

            chunks.Add(new Chunk(System.Text.Encoding.ASCII.GetString(png, at + 4, 4), png.AsSpan(at + 8, (int)length).ToArray()));
            at += 12 + (int)length;
        }

        return chunks;
    }

    private static byte[] WriteChunks(List<Chunk> chunks)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> word = stackalloc byte[4];
        foreach (var chunk in chunks)
        {
            BinaryPrimitives.WriteUInt32BigEndian(word, (uint)chunk.Data.Length);
            output.Write(word);
            var typeAndData = System.Text.Encoding.ASCII.GetBytes(chunk.Type).Concat(chunk.Data).ToArray();
            output.Write(typeAndData);
            BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
            output.Write(word);
        }

        return output.ToArray();
    }

    /// <summary>The CRC-32 PNG puts after every chunk (polynomial 0xEDB88320, as in zlib).</summary>
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFF_FFFFu;
        foreach (var b in bytes)
        {
            crc = s_crcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFF_FFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB8_8320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
