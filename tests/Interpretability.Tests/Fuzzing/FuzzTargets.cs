namespace Interpretability.Tests.Fuzzing;

/// <summary>
/// What each fuzz case does with its mutated input: load it, then touch everything the public API
/// offers. Documented exceptions are recorded as the case's outcome; anything else propagates and
/// is a bug.
/// </summary>
/// <remarks>
/// Documented: the <see cref="InterpretabilityDataException"/> family for bad data, and nothing
/// else. <see cref="ArgumentException"/> is for bad arguments, and every argument the fuzzer passes
/// is valid whatever the file says: the zero input it runs a model on is built from the model's own
/// declared input (dynamic dims as 1, a scalar as one element, as <see cref="Model.Run"/>
/// documents), so an <see cref="ArgumentException"/> there is a bug too. Models whose declared
/// input is not a float tensor of known rank, or larger than 2^18 elements, are not run.
/// </remarks>
internal static class FuzzTargets
{
    /// <summary>Limits for fuzzing: the defaults, except tensors (64 MiB) so no case can take the machine's memory.</summary>
    public static ModelLoadOptions Options { get; } = new()
    {
        MaxTensorBytes = 64L << 20,
        Runtime = new RuntimeOptions { IntraOpThreads = 1, InterOpThreads = 1 },
    };

    /// <summary>Most input elements the fuzzer builds to run a model.</summary>
    private const long MaxRunElements = 1 << 18;

    /// <summary>Runs a stage; a documented exception becomes the case's outcome and returns false.</summary>
    public static bool Stage(FuzzCase fuzzCase, string stage, Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (InterpretabilityDataException ex)
        {
            fuzzCase.Outcomes.Add($"{stage}: {ex.GetType().Name}");
            return false;
        }
    }

    /// <summary>Loads a mutated model and uses all of it; runs it through ONNX Runtime when <paramref name="run"/>.</summary>
    public static void Model(FuzzCase fuzzCase, Func<Model> load, bool run, Random random)
    {
        Model? model = null;
        if (!Stage(fuzzCase, "load", () => model = load()))
        {
            return;
        }

        using (model)
        {
            Touch(fuzzCase, model!);
            if (run)
            {
                Run(fuzzCase, model!, random);
            }
        }
    }

    private static void Touch(FuzzCase fuzzCase, Model model)
    {
        _ = model.Summary();
        _ = (model.IrVersion, model.OpsetVersion, model.ProducerName, model.ProducerVersion, model.GraphName, model.Path);
        foreach (var info in model.Inputs.Concat(model.Outputs))
        {
            _ = info.ToString();
            _ = (info.Shape?.Count, info.DimensionNames.Count, info.ElementType);
        }

        var failed = 0;
        foreach (var layer in model.Layers)
        {
            if (!ReferenceEquals(model.GetLayer(layer.Name), layer))
            {
                throw new InvalidOperationException($"GetLayer('{layer.Name}') returned another layer.");
            }

            _ = (layer.OutputShape?.Count, layer.Attributes.Count, layer.ToString(), layer.Inputs.Count, layer.Outputs.Count, layer.Domain);
            switch (layer)
            {
                case Conv2DLayer conv:
                    _ = (conv.Options, conv.Filters, conv.InputChannels, conv.KernelSize, conv.HasBias);
                    break;
                case DenseLayer dense:
                    _ = (dense.Units, dense.InputFeatures, dense.Alpha, dense.Beta);
                    break;
                case BatchNormalizationLayer norm:
                    _ = (norm.Epsilon, norm.Momentum);
                    break;
            }

            // ParameterCount and GetWeights may refuse a layer whose weights cannot be read, with the same error.
            LayerWeights? read = null;
            long parameters = 0;
            if (!Stage(fuzzCase, "weights", () => parameters = layer.ParameterCount) | !Stage(fuzzCase, "weights", () => read = layer.GetWeights()) || read is not { } weights)
            {
                failed++;
                continue;
            }

            var total = weights.Sum(w => w.FlattenedLength);
            if (total != parameters)
            {
                throw new InvalidOperationException($"layer '{layer.Name}': ParameterCount is {parameters} but GetWeights returned {total} values.");
            }

            if (weights.Count > 0)
            {
                _ = weights.InKerasOrder();
                var kernel = weights.Kernel;
                if (kernel.Rank == 4 && kernel.Lengths[0] > 0 && kernel.Lengths[1] > 0)
                {
                    _ = weights.Kernel2D(0, 0);

                    // Kernels of any values (NaN, ±Inf, constant) must render; the size bounds keep the
                    // figure within Render's documented limits, so an exception here is a bug.
                    if (kernel.FlattenedLength > 0 && kernel.Lengths[0] * kernel.Lengths[1] <= 64 && kernel.Lengths[2] <= 16 && kernel.Lengths[3] <= 16)
                    {
                        _ = Render.KernelGrid(kernel, RenderOptions.Default with { Scale = 2 }).ToPng();
                    }
                }
            }
        }

        fuzzCase.Outcomes.Add(failed == 0 ? $"loaded ({(model.Layers.Count == 0 ? "no" : "all")} weights read)" : "loaded (some weights refused)");
    }

    private static void Run(FuzzCase fuzzCase, Model model, Random random)
    {
        var inputs = new Dictionary<string, Tensor<float>>(StringComparer.Ordinal);
        foreach (var input in model.Inputs)
        {
            if (input.ElementType != OnnxDataType.Float || input.Shape is not { } shape)
            {
                fuzzCase.Outcomes.Add("not run (input not a float tensor of known rank)");
                return;
            }

            // Dynamic dims get 1; a scalar input is given as one element, as Run documents.
            nint[] lengths = shape.Count == 0 ? [1] : [.. shape.Select(d => (nint)(d ?? 1))];
            var count = lengths.Aggregate(1L, (a, b) => a * b > MaxRunElements ? MaxRunElements + 1 : a * b);
            if (count > MaxRunElements)
            {
                fuzzCase.Outcomes.Add("not run (input too large)");
                return;
            }

            inputs[input.Name] = Tensor.Create(new float[count], lengths);
        }

        Stage(fuzzCase, "run", () =>
        {
            if (model.Inputs.Count == 1 && (model.Layers.Count == 0 || random.Next(3) == 0))
            {
                var output = model.Run(inputs.Values.Single());
                _ = output.FlattenedLength;
            }
            else if (model.Layers.Count > 0)
            {
                var layers = random.Next(2) == 0 ? model.Layers : [.. model.Layers.Where(_ => random.Next(2) == 0).DefaultIfEmpty(model.Layers[0])];
                var activations = model.GetActivations(inputs, layers);
                foreach (var (layer, value) in activations)
                {
                    _ = (layer.Name, value.FlattenedLength);
                }

                // A small feature map of whatever the network computed (NaN included) must render.
                var map = activations.Values.FirstOrDefault(v => v.Rank == 4 && v.Lengths[0] == 1 && v.FlattenedLength is > 0 and <= 4096 && v.Lengths[1] <= 64 && v.Lengths[2] <= 64 && v.Lengths[3] <= 64);
                if (map is not null)
                {
                    _ = Render.FeatureMaps(map, RenderOptions.Default with { Scale = 1 }).Width;
                }

                _ = activations.Outputs.Count;
            }
            else
            {
                fuzzCase.Outcomes.Add("not run (nothing to run)");
                return;
            }

            fuzzCase.Outcomes.Add("ran");
        });
    }

    /// <summary>Loads a mutated image from a stream or a file and checks what comes back.</summary>
    public static void Image(FuzzCase fuzzCase, byte[] bytes, string? path, Random random)
    {
        var options = random.Next(4) switch
        {
            0 => ImageLoadOptions.Default,
            1 => new ImageLoadOptions { Color = ImageColor.Grayscale },
            2 => new ImageLoadOptions { Width = 28, Height = 28, Resize = (ResizeMode)random.Next(3) },
            _ => new ImageLoadOptions { MaxPixels = 4096, MaxDimension = 100, Mean = [0.5f], Std = [0.25f] },
        };
        Tensor<float>? image = null;
        if (!Stage(fuzzCase, "image", () =>
        {
            if (path is null)
            {
                using var stream = new MemoryStream(bytes, writable: false);
                image = Images.Load(stream, options);
            }
            else
            {
                image = Images.Load(path, options);
            }
        }))
        {
            return;
        }

        var lengths = image!.Lengths;
        if (lengths[^1] < 1 || lengths[^2] < 1 || lengths[^1] > options.MaxDimension && options.Width is null)
        {
            throw new InvalidOperationException($"Images.Load returned {Interpretability.Onnx.Shapes.Format(lengths)} under limits {options.MaxDimension}.");
        }

        fuzzCase.Outcomes.Add("image decoded");
    }

    /// <summary>Reads a mutated IDX file as images, labels and raw bytes.</summary>
    public static void Idx(FuzzCase fuzzCase, byte[] bytes, Random random)
    {
        var maxElements = random.Next(2) == 0 ? Interpretability.Idx.DefaultMaxElements : 1 << 20;
        Stage(fuzzCase, "idx", () =>
        {
            using var stream = new MemoryStream(bytes, writable: false);
            switch (random.Next(3))
            {
                case 0:
                    _ = Interpretability.Idx.ReadImages(stream, maxElements);
                    break;
                case 1:
                    _ = Interpretability.Idx.ReadLabels(stream);
                    break;
                default:
                    var raw = Interpretability.Idx.Read(stream, maxElements);
                    if (raw.FlattenedLength > maxElements)
                    {
                        throw new InvalidOperationException($"Idx.Read returned {raw.FlattenedLength} elements, beyond the limit {maxElements}.");
                    }

                    break;
            }

            fuzzCase.Outcomes.Add("idx read");
        });
    }
}
