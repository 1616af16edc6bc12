using Interpretability.Rendering;
using SkiaSharp;
using static Interpretability.Tests.Fixtures;

namespace Interpretability.Tests.Imaging;

public class ImagesTests
{
    private static string Image(string name) => TestPaths.Data("images", name);

    private static string Pillow(string name) => TestPaths.Data("images", "pillow", name);

    /// <summary>Pillow's output as [C, H, W] floats in [0, 1], decoded without the loader under test.</summary>
    private static (float[] Data, int Rows, int Cols) Oracle(string name, int channels)
    {
        var figure = PngCodec.Decode(File.ReadAllBytes(Pillow(name)))!;
        int n = figure.Width * figure.Height;
        var data = new float[channels * n];
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                data[(c * n) + i] = figure.Pixels[(i * 4) + c] / 255f;
            }
        }

        return (data, figure.Height, figure.Width);
    }

    private static void Close(float[] expected, Tensor<float> actual, float tolerance)
    {
        var values = Values(actual);
        Assert.Equal(expected.Length, values.Length);
        var worst = expected.Zip(values, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= tolerance, $"largest difference {worst * 255:F2}/255, allowed {tolerance * 255:F2}/255");
    }

    [Fact]
    public void Load_GrayPngEqualsTheIdxBytes()
    {
        var boot = Images.Load(Image("ankle-boot-28x28.png"), ImageLoadOptions.Default with { Color = ImageColor.Grayscale });
        Assert.Equal([28, 28], boot.Lengths.ToArray().Select(l => (int)l));
        Assert.Equal(Values(FashionImage(0)), Values(boot));
    }

    [Fact]
    public void Load_RgbIsChannelsFirstWithExactValues()
    {
        var pixels = Images.Load(Image("pixels-3x2.png"));
        Assert.Equal([3, 2, 3], pixels.Lengths.ToArray().Select(l => (int)l));
        float[] r = [1, 0, 0, 1, 0, 128 / 255f], g = [0, 1, 0, 1, 0, 64 / 255f], b = [0, 0, 1, 1, 0, 32 / 255f];
        Assert.Equal([.. r, .. g, .. b], Values(pixels));
    }

    [Fact]
    public void Load_DropsAlphaKeepingTheColour()
    {
        var pixels = Values(Images.Load(Image("alpha-2x1.png")));
        Assert.Equal([200 / 255f, 10 / 255f, 100 / 255f, 20 / 255f, 50 / 255f, 30 / 255f], pixels);
    }

    [Fact]
    public void Load_GrayscaleIsPillowsLumaBitForBit()
    {
        var gray = Images.Load(Image("pullover-96x64.png"), ImageLoadOptions.Default with { Color = ImageColor.Grayscale });
        Assert.Equal(Oracle("pullover-96x64-L.png", 1).Data, Values(gray));
    }

    [Theory]
    [InlineData("pullover-96x64.jpg", "pullover-96x64-jpg-decoded.png", 3)]
    [InlineData("ankle-boot-28x28.jpg", "ankle-boot-28x28-jpg-decoded.png", 1)]
    public void Load_JpegDecodesAsPillowDoes(string file, string oracle, int channels)
    {
        var color = channels == 1 ? ImageColor.Grayscale : ImageColor.Rgb;
        var loaded = Images.Load(Image(file), ImageLoadOptions.Default with { Color = color });
        Close(Oracle(oracle, channels).Data, loaded, 3 / 255f);
    }

    [Theory]
    [InlineData(ResizeMode.Stretch, "pullover-stretch-32x32.png")]
    [InlineData(ResizeMode.Fill, "pullover-fill-32x32.png")]
    [InlineData(ResizeMode.Fit, "pullover-fit-32x32.png")]
    public void Load_ResizeMatchesPillowsAntialiasedBilinear(ResizeMode mode, string oracle)
    {
        var loaded = Images.Load(Image("pullover-96x64.png"), ImageLoadOptions.Default with { Width = 32, Height = 32, Resize = mode });
        Assert.Equal([3, 32, 32], loaded.Lengths.ToArray().Select(l => (int)l));
        Close(Oracle(oracle, 3).Data, loaded, 2.5f / 255f);
    }

    [Fact]
    public void Load_UpscaleMatchesPillowsBilinear()
    {
        var loaded = Images.Load(Image("pullover-96x64.png"), ImageLoadOptions.Default with { Width = 200, Height = 150, Resize = ResizeMode.Stretch });
        Close(Oracle("pullover-stretch-200x150.png", 3).Data, loaded, 1.5f / 255f);
    }

    [Fact]
    public void Load_FitPadsWithZerosAndFillCropsWithoutPadding()
    {
        var fit = Values(Images.Load(Image("pullover-96x64.png"), ImageLoadOptions.Default with { Width = 32, Height = 32, Resize = ResizeMode.Fit, Color = ImageColor.Grayscale }));
        Assert.All(fit.AsSpan(0, 5 * 32).ToArray(), v => Assert.Equal(0f, v));           // 5 rows above the 32×21 image
        Assert.All(fit.AsSpan(26 * 32, 6 * 32).ToArray(), v => Assert.Equal(0f, v));      // 6 rows below
    }

    [Fact]
    public void Load_OneSideKeepsTheAspectRatio()
    {
        var byWidth = Images.Load(Image("pullover-96x64.png"), ImageLoadOptions.Default with { Width = 48 });
        var byHeight = Images.Load(Image("pullover-96x64.png"), ImageLoadOptions.Default with { Height = 16, Color = ImageColor.Grayscale });
        Assert.Equal([3, 32, 48], byWidth.Lengths.ToArray().Select(l => (int)l));
        Assert.Equal([16, 24], byHeight.Lengths.ToArray().Select(l => (int)l));
    }

    [Fact]
    public void Load_NormalisesPerChannel()
    {
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        var raw = Values(Images.Load(Image("pixels-3x2.png")));
        var normalised = Values(Images.Load(Image("pixels-3x2.png"), ImageLoadOptions.Default with { Mean = mean, Std = std }));
        for (var i = 0; i < raw.Length; i++)
        {
            Assert.Equal((raw[i] - mean[i / 6]) / std[i / 6], normalised[i]);
        }

        var single = Values(Images.Load(Image("pixels-3x2.png"), ImageLoadOptions.Default with { Mean = [0.5f], Std = [0.5f] }));
        Assert.Equal(raw.Select(v => (v - 0.5f) / 0.5f), single);
    }

    [Fact]
    public void Load_StreamEqualsPath()
    {
        using var stream = File.OpenRead(Image("pullover-96x64.jpg"));
        Assert.Equal(Values(Images.Load(Image("pullover-96x64.jpg"))), Values(Images.Load(stream)));
    }

    [Fact]
    public void LoadBatch_StacksImagesOfOneSize()
    {
        var batch = Images.LoadBatch([Image("pullover-96x64.png"), Image("pullover-96x64.jpg")]);
        Assert.Equal([2, 3, 64, 96], batch.Lengths.ToArray().Select(l => (int)l));
        var gray = Images.LoadBatch([Image("ankle-boot-28x28.png"), Image("pullover-96x64.png")],
            ImageLoadOptions.Default with { Color = ImageColor.Grayscale, Width = 28, Height = 28, Resize = ResizeMode.Fit });
        Assert.Equal([2, 1, 28, 28], gray.Lengths.ToArray().Select(l => (int)l));
        Assert.Equal(Values(FashionImage(0)), Values(gray).AsSpan(0, 784).ToArray());
    }

    [Fact]
    public void LoadBatch_RefusesMixedSizes()
    {
        var e = Assert.Throws<InvalidImageException>(() => Images.LoadBatch([Image("pullover-96x64.png"), Image("ankle-boot-28x28.png")]));
        Assert.Contains("28×28", e.Message, StringComparison.Ordinal);
        Assert.Contains("96×64", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[]> OtherFormats() => new()
    {
        { "GIF", "GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;"u8.ToArray() },
        { "BMP", Bmp1x1() },
        { "WebP", Encoded(SKEncodedImageFormat.Webp) },
        { "TIFF", [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(OtherFormats))]
    public void Load_RefusesOtherFormatsAndNamesThem(string format, byte[] bytes)
    {
        var path = Write($"other.{format.ToLowerInvariant()}", bytes);
        var e = Assert.Throws<InvalidImageException>(() => Images.Load(path));
        Assert.Contains($"is a {format} image", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GIF", "photo.png")]
    [InlineData("BMP", "photo.jpg")]
    [InlineData("WebP", "photo.jpeg")]
    public void Load_RefusesAnotherFormatBehindAPngOrJpegName(string format, string name)
    {
        // The name promises PNG or JPEG; the content decides, and is refused by its own name.
        var bytes = OtherFormats().Single(row => (string)row[0] == format)[1];
        var path = Write(name, (byte[])bytes);

        var e = Assert.Throws<InvalidImageException>(() => Images.Load(path));

        Assert.Contains($"is a {format} image", e.Message, StringComparison.Ordinal);
        Assert.Equal(Images.Load(Image("pixels-3x2.png")).ToArray(), Images.Load(Write("really-a-png.jpg", File.ReadAllBytes(Image("pixels-3x2.png")))).ToArray());
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x89 })]
    [InlineData(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' })]
    public void Load_RefusesDataThatIsNoImage(byte[] bytes)
    {
        var e = Assert.Throws<InvalidImageException>(() => Images.Load(new MemoryStream(bytes)));
        Assert.Contains("not a PNG or JPEG", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pullover-96x64.png")]
    [InlineData("pullover-96x64.jpg")]
    [InlineData("ankle-boot-28x28.jpg")]
    public void Load_RefusesTruncatedFiles(string name)
    {
        var bytes = File.ReadAllBytes(Image(name));
        var path = Write("truncated-" + name, bytes[..(bytes.Length * 2 / 3)]);
        var e = Assert.Throws<InvalidImageException>(() => Images.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ChecksJpegDimensionsFromTheHeader()
    {
        // The real boot JPEG with its frame header (SOF0) rewritten to claim 20000×20000.
        var bytes = File.ReadAllBytes(Image("ankle-boot-28x28.jpg"));
        var sof = bytes.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xC0]);
        Assert.True(sof > 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 5), 20000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 7), 20000);
        var e = Assert.Throws<InvalidImageException>(() => Images.Load(new MemoryStream(bytes)));
        Assert.Contains("20000×20000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RefusesCorruptPixelData()
    {
        var bytes = File.ReadAllBytes(Image("pullover-96x64.png"));
        for (var i = 100; i < 400; i += 3)
        {
            bytes[i] ^= 0x5A;
        }

        Assert.Throws<InvalidImageException>(() => Images.Load(new MemoryStream(bytes)));
    }

    [Fact]
    public void Load_ChecksDimensionsFromTheHeaderBeforeDecoding()
    {
        // A PNG header that claims 70000×70000 (4.9 gigapixels) followed by nothing: refused from the header alone.
        var e = Assert.Throws<InvalidImageException>(() => Images.Load(new MemoryStream(PngHeader(70000, 70000))));
        Assert.Contains("70000×70000", e.Message, StringComparison.Ordinal);
        Assert.Contains("16384", e.Message, StringComparison.Ordinal);

        var pixels = Assert.Throws<InvalidImageException>(() => Images.Load(new MemoryStream(PngHeader(16000, 16000))));
        Assert.Contains(nameof(ImageLoadOptions.MaxPixels), pixels.Message, StringComparison.Ordinal);

        var small = Assert.Throws<InvalidImageException>(() => Images.Load(Image("pullover-96x64.png"), ImageLoadOptions.Default with { MaxDimension = 64 }));
        Assert.Contains("96×64", small.Message, StringComparison.Ordinal);
        var bytes = Assert.Throws<InvalidImageException>(() => Images.Load(Image("pullover-96x64.png"), ImageLoadOptions.Default with { MaxBytes = 100 }));
        Assert.Contains("100 bytes", bytes.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadOptionsAreArgumentErrors()
    {
        var path = Image("pixels-3x2.png");
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => Images.Load(path, ImageLoadOptions.Default with { Width = 0 })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => Images.Load(path, ImageLoadOptions.Default with { Mean = [0.1f, 0.2f] })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => Images.Load(path, ImageLoadOptions.Default with { Std = [0f] })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => Images.Load(path, ImageLoadOptions.Default with { Color = (ImageColor)7 })).ParamName);
        Assert.Throws<FileNotFoundException>(() => Images.Load(Image("missing.png")));
    }

    private static string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(TestPaths.Output(nameof(ImagesTests)), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Encoded(SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(4, 4);
        bitmap.Erase(SKColors.Orange);
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    private static byte[] Bmp1x1()
    {
        // BITMAPFILEHEADER + BITMAPINFOHEADER, 24-bit, one red pixel padded to 4 bytes.
        var b = new byte[58];
        "BM"u8.CopyTo(b);
        BitConverter.GetBytes(58).CopyTo(b, 2);
        BitConverter.GetBytes(54).CopyTo(b, 10);
        BitConverter.GetBytes(40).CopyTo(b, 14);
        BitConverter.GetBytes(1).CopyTo(b, 18);
        BitConverter.GetBytes(1).CopyTo(b, 22);
        BitConverter.GetBytes((short)1).CopyTo(b, 26);
        BitConverter.GetBytes((short)24).CopyTo(b, 28);
        b[56] = 255;
        return b;
    }

    /// <summary>The PNG signature and a valid IHDR chunk (8-bit RGB) for the given size, and no image data.</summary>
    private static byte[] PngHeader(int width, int height)
    {
        var ihdr = new byte[17];
        "IHDR"u8.CopyTo(ihdr);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(8), height);
        ihdr[12] = 8;
        ihdr[13] = 2;
        var png = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 };
        png.AddRange(ihdr);
        var crc = Crc32(ihdr);
        png.AddRange([(byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc]);
        return [.. png];
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
