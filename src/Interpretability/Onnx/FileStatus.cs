using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Interpretability.Onnx;

/// <summary>A file's device and inode: the same pair means the same file.</summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode);

/// <summary>
/// File type, hard-link count, size and identity from Linux <c>statx</c>, which .NET does not
/// expose. <c>statx</c>'s structure has one layout on every Linux architecture.
/// </summary>
internal sealed partial record FileStatus(int Mode, uint LinkCount, long Size, FileIdentity Id)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7FF;
    private const int TypeMask = 0xF000;

    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>A regular file (not a directory, link, FIFO, socket or device).</summary>
    public bool IsRegularFile => (Mode & TypeMask) == 0x8000;

    /// <summary>"directory", "FIFO", ... for messages.</summary>
    public string KindName => (Mode & TypeMask) switch
    {
        0x8000 => "regular file",
        0x4000 => "directory",
        0x1000 => "FIFO",
        0x2000 => "character device",
        0x6000 => "block device",
        0xA000 => "symbolic link",
        0xC000 => "socket",
        _ => "special file",
    };

    /// <summary>Reads the status of a path; false when statx is not available here.</summary>
    public static bool TryGet(string path, bool followLinks, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FileStatus? status)
    {
        status = null;
        if (s_unavailable)
        {
            return false;
        }

        try
        {
            var buffer = new byte[256];
            if (Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
            {
                return false;
            }

            status = Parse(buffer);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }

    /// <summary>Reads the status of an open file.</summary>
    public static bool TryGet(SafeFileHandle handle, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FileStatus? status)
    {
        status = null;
        if (s_unavailable)
        {
            return false;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var buffer = new byte[256];
            if (Statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, StatxBasicStats, buffer) != 0)
            {
                return false;
            }

            status = Parse(buffer);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    // struct statx: stx_nlink u32 at 16, stx_mode u16 at 28, stx_ino u64 at 32, stx_size u64 at 40,
    // stx_dev_major u32 at 136, stx_dev_minor u32 at 140.
    private static FileStatus Parse(byte[] buffer)
    {
        var linkCount = BitConverter.ToUInt32(buffer, 16);
        var mode = BitConverter.ToUInt16(buffer, 28);
        var inode = BitConverter.ToUInt64(buffer, 32);
        var size = (long)BitConverter.ToUInt64(buffer, 40);
        var device = ((ulong)BitConverter.ToUInt32(buffer, 136) << 32) | BitConverter.ToUInt32(buffer, 140);
        return new FileStatus(mode, linkCount, size, new FileIdentity(device, inode));
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, byte[] buffer);
}
