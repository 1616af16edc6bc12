using FashionMnistLecture;

var options = LectureOptions.Parse(args, out var error);
if (options is null)
{
    Console.Out.WriteLine(LectureOptions.Usage);
    if (error is not null)
    {
        Console.Error.WriteLine(error);
        return 2;
    }

    return 0;
}

using var lecture = new Lecture(options, Console.Out);
lecture.Run();
return 0;
